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
 * Errors one load reports at most: a binary file or a runaway generated configuration would
 * otherwise make hundreds of thousands of them (each an Error with a stack, slow to build).
 */
export const MAX_CONFIG_ERRORS = 100;

function report(errors: ConfigError[], file: string, line: number, message: string): void {
  if (errors.length < MAX_CONFIG_ERRORS) errors.push(new ConfigError(ErrorCode.CONFIG_SYNTAX, file, line, message));
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
    const parts = [physical[i].trimEnd()];
    // Only each physical line's end is looked at, so long continued lines stay linear.
    while (parts[parts.length - 1].endsWith("\\") && i + 1 < physical.length) {
      parts[parts.length - 1] = parts[parts.length - 1].slice(0, -1);
      parts.push(physical[++i].trim());
    }
    const trimmed = parts.join(" ").trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    if (trimmed.includes("\0")) {
      report(errors, file, start, "a NUL byte in the line (is this a text file?)");
      continue;
    }
    const parsed = lexLine(trimmed, file, start, errors);
    if (parsed) out.push(parsed);
  }
  return out;
}

function lexLine(text: string, file: string, line: number, errors: ConfigError[]): ConfigLine | null {
  if (text.startsWith("</")) {
    const m = /^<\/([^\s>]+)\s*>$/.exec(text);
    if (!m) {
      report(errors, file, line, `malformed section closing: ${text}`);
      return null;
    }
    return { kind: "close", name: m[1], args: [], file, line };
  }
  if (text.startsWith("<")) {
    if (!text.endsWith(">")) {
      report(errors, file, line, `section opening lacks a closing '>': ${text}`);
      return null;
    }
    const words = splitArgs(text.slice(1, -1), file, line, errors);
    if (!words || words.length === 0) {
      if (words) report(errors, file, line, "empty section name");
      return null;
    }
    return { kind: "open", name: words[0], args: words.slice(1), file, line };
  }
  const words = splitArgs(text, file, line, errors);
  if (!words) return null;
  return { kind: "directive", name: words[0], args: words.slice(1), file, line };
}

const SPACES = /\s*/y;
const WORD = /\S*/y;

/**
 * Whitespace-separated words; "double" or 'single' quotes group, a backslash escapes the quote.
 * Scans each character once (a line may be megabytes long).
 */
export function splitArgs(text: string, file: string, line: number, errors: ConfigError[]): string[] | null {
  const words: string[] = [];
  let i = 0;
  while (i < text.length) {
    SPACES.lastIndex = i;
    SPACES.exec(text);
    i = SPACES.lastIndex;
    if (i >= text.length) break;
    const q = text[i];
    if (q === '"' || q === "'") {
      let word = "";
      let from = ++i;
      while (i < text.length && text[i] !== q) {
        if (text[i] === "\\" && (text[i + 1] === q || text[i + 1] === "\\")) {
          word += text.slice(from, i);
          from = ++i;
        }
        i++;
      }
      word += text.slice(from, i);
      if (i >= text.length) {
        report(errors, file, line, `unterminated quoted argument: ${q}${word}`);
        return null;
      }
      i++;
      words.push(word);
    } else {
      WORD.lastIndex = i;
      words.push(WORD.exec(text)![0]);
      i = WORD.lastIndex;
    }
  }
  return words;
}
