import { ConfigRegex } from "./config-regex";

/**
 * Apache-style shell wildcards (`*`, `?`, `[...]`) as regular expressions. `*`, `?` and `[!...]`
 * never match a `/`, as in Apache's `<Directory>` and `<Files>` matching.
 */
export function hasWildcard(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/**
 * Compiles a wildcard pattern. Every character is translated to a literal or a class, so the
 * result is always a valid RE2 program; its size grows only with the pattern's length (there is
 * no counted repetition), hence no program-size limit here.
 */
export function compileWildcard(pattern: string, anchoredEnd = true): ConfigRegex {
  const chars = [...pattern];
  let out = "";
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    const end = c === "[" ? chars.indexOf("]", i + 2) : -1;
    if (c === "*") {
      out += "[^/]*";
      while (chars[i + 1] === "*") i++;
    } else if (c === "?") out += "[^/]";
    else if (end > 0) {
      out += charClass(chars.slice(i + 1, end));
      i = end;
    } else out += literal(c);
  }
  return ConfigRegex.compile("wildcard", "^" + out + (anchoredEnd ? "$" : ""), { maxProgramSize: Infinity });
}

/** `[abc]`, `[a-z]`, `[!a-z]` (also `[^a-z]`); a reversed range matches nothing, as in fnmatch. */
function charClass(body: string[]): string {
  const negate = body[0] === "!" || body[0] === "^";
  const chars = negate ? body.slice(1) : body;
  let items = "";
  for (let i = 0; i < chars.length; i++) {
    if (chars[i + 1] === "-" && i + 2 < chars.length) {
      const [lo, hi] = [chars[i], chars[i + 2]];
      if (lo.codePointAt(0)! <= hi.codePointAt(0)!) items += `${literal(lo)}-${literal(hi)}`;
      i += 2;
    } else items += literal(chars[i]);
  }
  if (negate) return `[^/${items}]`;
  return items ? `[${items}]` : "[^\\x00-\\x{10FFFF}]";
}

function literal(c: string): string {
  return /[\w]/.test(c) ? c : `\\x{${c.codePointAt(0)!.toString(16)}}`;
}
