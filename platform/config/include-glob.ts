import * as fs from "node:fs";
import * as path from "node:path";
import { compileWildcard, hasWildcard } from "./wildcard";

/** Folder nesting an `Include` of a directory may descend (Apache allows 128; a loop never ends). */
const MAX_DIRECTORY_DEPTH = 16;

/**
 * Expands an `Include` argument (an absolute path) as Apache's `ap_process_fnmatch_configs`
 * does: wildcards may appear in any component (those before the last match folders only);
 * `*` and `?` match a leading dot only when the pattern starts with one; matches are sorted;
 * a folder, named or matched, includes every entry in it, recursively and sorted. A wildcard
 * matching nothing is an error for `Include`, nothing for `IncludeOptional`, and so is a
 * missing plain name. Files come one at a time, in order, so the caller can stop early (an
 * `Include /` is not walked whole); an Error whose message names the problem is thrown when
 * the walk reaches it. What comes may be any kind of file: the reader refuses what is not a
 * regular file.
 */
export function* expandInclude(pattern: string, optional: boolean): Generator<string> {
  const parts = pattern.split("/").filter(Boolean);
  const first = parts.findIndex(hasWildcard);
  if (first < 0) {
    if (!optional || fs.statSync(pattern, { throwIfNoEntry: false })) yield* named(pattern, []);
    return;
  }
  yield* walk("/" + parts.slice(0, first).join("/"), parts.slice(first), optional);
}

function* walk(base: string, rest: string[], optional: boolean): Generator<string> {
  const [part, ...below] = rest;
  if (!hasWildcard(part)) {
    const next = path.join(base, part);
    if (below.length) yield* walk(next, below, optional);
    else if (!optional || fs.statSync(next, { throwIfNoEntry: false })) yield* named(next, []);
    return;
  }
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(base, { withFileTypes: true });
  } catch (e) {
    if (optional && (e as NodeJS.ErrnoException).code === "ENOENT") return;
    throw new Error(`could not open directory ${base}: ${(e as Error).message}`);
  }
  const re = compileWildcard(part);
  const hidden = !part.startsWith(".");
  const matched = entries
    .filter((d) => re.test(d.name) && !(hidden && d.name.startsWith(".")))
    .filter((d) => !below.length || isDirectory(path.join(base, d.name)))
    .map((d) => d.name)
    .sort();
  if (matched.length === 0) {
    if (!optional) throw new Error(`no matches for the wildcard '${part}' in ${base}`);
    return;
  }
  for (const name of matched) {
    const next = path.join(base, name);
    if (below.length) yield* walk(next, below, optional);
    else yield* named(next, []);
  }
}

/** A named file as it is; a folder as every entry in it, recursively, sorted by name. */
function* named(file: string, folders: string[]): Generator<string> {
  if (!isDirectory(file)) {
    yield file;
    return;
  }
  const real = fs.realpathSync(file);
  if (folders.includes(real)) throw new Error(`folder ${file} includes itself (through a symbolic link)`);
  if (folders.length >= MAX_DIRECTORY_DEPTH) throw new Error(`folder ${file} is nested more than ${MAX_DIRECTORY_DEPTH} deep`);
  let names: string[];
  try {
    names = fs.readdirSync(file);
  } catch (e) {
    throw new Error(`could not open directory ${file}: ${(e as Error).message}`);
  }
  for (const name of names.sort()) yield* named(path.join(file, name), [...folders, real]);
}

function isDirectory(p: string): boolean {
  return fs.statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
}
