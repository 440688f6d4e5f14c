/**
 * Apache-style shell wildcards (`*`, `?`, `[...]`) as regular expressions. `*` and `?` never
 * match a `/`, as in Apache's `<Directory>` and `<Files>` matching.
 */
export function hasWildcard(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

export function wildcardToRegExp(pattern: string, anchoredEnd = true): RegExp {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end < 0) out += "\\[";
      else {
        let body = pattern.slice(i + 1, end);
        if (body.startsWith("!")) body = "^" + body.slice(1);
        out += "[" + body.replace(/\\/g, "\\\\") + "]";
        i = end;
      }
    } else out += c.replace(/[.+^${}()|\\/]/g, "\\$&");
  }
  return new RegExp("^" + out + (anchoredEnd ? "$" : ""));
}
