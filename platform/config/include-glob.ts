import * as fs from "node:fs";
import * as path from "node:path";
import { compileWildcard, hasWildcard } from "./wildcard";

/**
 * Expands an `Include` pattern: wildcards may appear in any path component; matches are
 * sorted, as Apache sorts them. A directory without wildcards includes every file in it.
 */
export function expandInclude(pattern: string): string[] {
  if (!hasWildcard(pattern)) {
    const st = fs.statSync(pattern, { throwIfNoEntry: false });
    if (!st) return [];
    if (st.isDirectory()) {
      return fs.readdirSync(pattern).sort().map((f) => path.join(pattern, f)).filter((f) => fs.statSync(f).isFile());
    }
    return [pattern];
  }
  const parts = pattern.split("/");
  let bases = [parts[0] === "" ? "/" : parts[0]];
  for (const part of parts.slice(1)) {
    if (part === "") continue;
    const next: string[] = [];
    for (const base of bases) {
      if (!hasWildcard(part)) {
        next.push(path.join(base, part));
        continue;
      }
      const re = compileWildcard(part);
      let names: string[] = [];
      try {
        names = fs.readdirSync(base);
      } catch {
        continue;
      }
      for (const n of names.sort()) if (re.test(n) && !n.startsWith(".")) next.push(path.join(base, n));
    }
    bases = next;
  }
  return bases.filter((f) => fs.statSync(f, { throwIfNoEntry: false })?.isFile());
}
