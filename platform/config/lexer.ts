import { ConfigError, ErrorCode } from "../errors";

/** One logical line of a configuration file: a directive, a section opening or a closing. */
export interface ConfigLine {
  kind: "directive" | "open" | "close";
  name: string;
  args: string[];
  file: string;
  line: number;
}

/**
 * Splits configuration text into logical lines: `#` comment lines dropped, `\` continuations
 * joined (reported at the line they start on), arguments split with Apache's quoting rules.
 */
export function lexConfig(text: string, file: string, errors: ConfigError[]): ConfigLine[] {
  const physical = text.split(/\r?\n/);
  const out: ConfigLine[] = [];
  for (let i = 0; i < physical.length; i++) {
    const start = i + 1;
    let logical = physical[i];
    while (/\\\s*$/.test(logical) && i + 1 < physical.length) {
      logical = logical.replace(/\\\s*$/, " ") + physical[++i].trimStart();
    }
    const trimmed = logical.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const parsed = lexLine(trimmed, file, start, errors);
    if (parsed) out.push(parsed);
  }
  return out;
}

function lexLine(text: string, file: string, line: number, errors: ConfigError[]): ConfigLine | null {
  if (text.startsWith("</")) {
    const m = /^<\/([^\s>]+)\s*>$/.exec(text);
    if (!m) {
      errors.push(new ConfigError(ErrorCode.CONFIG_SYNTAX, file, line, `malformed section closing: ${text}`));
      return null;
    }
    return { kind: "close", name: m[1], args: [], file, line };
  }
  if (text.startsWith("<")) {
    if (!text.endsWith(">")) {
      errors.push(new ConfigError(ErrorCode.CONFIG_SYNTAX, file, line, `section opening lacks a closing '>': ${text}`));
      return null;
    }
    const words = splitArgs(text.slice(1, -1), file, line, errors);
    if (!words || words.length === 0) {
      if (words) errors.push(new ConfigError(ErrorCode.CONFIG_SYNTAX, file, line, "empty section name"));
      return null;
    }
    return { kind: "open", name: words[0], args: words.slice(1), file, line };
  }
  const words = splitArgs(text, file, line, errors);
  if (!words) return null;
  return { kind: "directive", name: words[0], args: words.slice(1), file, line };
}

/** Whitespace-separated words; "double" or 'single' quotes group, a backslash escapes the quote. */
export function splitArgs(text: string, file: string, line: number, errors: ConfigError[]): string[] | null {
  const words: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (i >= text.length) break;
    const q = text[i];
    if (q === '"' || q === "'") {
      let word = "";
      i++;
      while (i < text.length && text[i] !== q) {
        if (text[i] === "\\" && (text[i + 1] === q || text[i + 1] === "\\")) i++;
        word += text[i++];
      }
      if (i >= text.length) {
        errors.push(new ConfigError(ErrorCode.CONFIG_SYNTAX, file, line, `unterminated quoted argument: ${q}${word}`));
        return null;
      }
      i++;
      words.push(word);
    } else {
      let word = "";
      while (i < text.length && !/\s/.test(text[i])) word += text[i++];
      words.push(word);
    }
  }
  return words;
}
