import * as fs from "node:fs";
import * as path from "node:path";

export const MODULE_EXTENSIONS = [".ts", ".mts", ".cts", ".js", ".mjs", ".cjs"];

/** What a relative import may name: modules, and data read as JSON. */
const IMPORT_EXTENSIONS = [...MODULE_EXTENSIONS, ".json"];

/**
 * TypeScript's NodeNext style: an import names the file the compiler will write (`./dep.js`),
 * which in a site run from its sources is the `.ts` file beside it.
 */
const SOURCE_OF: Readonly<Record<string, string>> = { ".js": ".ts", ".mjs": ".mts", ".cjs": ".cts" };

/** Names that address modules shipped with tsmod rather than files on disk. */
export function isBuiltinName(name: string): boolean {
  return name === "tsmod" || name.startsWith("tsmod/");
}

/** Whether `p` is a regular file; any path that cannot be (ENOTDIR, ENAMETOOLONG, EACCES) is not. */
function isFile(p: string): boolean {
  try {
    return fs.statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}

/** `base` exactly if it has one of `extensions`, else with each of them, else as `base/index.*`. */
function withExtensions(base: string, extensions: readonly string[]): string | null {
  if (extensions.includes(path.extname(base)) && isFile(base)) return base;
  for (const ext of extensions) if (isFile(base + ext)) return base + ext;
  for (const ext of extensions) {
    const index = path.join(base, "index" + ext);
    if (isFile(index)) return index;
  }
  return null;
}

/** `base` as a module file: exactly, with one of the extensions, or as `base/index.*`. */
export function resolveModuleFile(base: string): string | null {
  return withExtensions(base, MODULE_EXTENSIONS);
}

/**
 * The file a relative (or absolute) import in `fromFile` names, resolved as TypeScript does:
 * the file as written; for `./dep.js` (`.mjs`, `.cjs`) that does not exist, `dep.ts` (`.mts`,
 * `.cts`); then `dep` with each module extension or `.json`; then `dep/index.*`.
 */
export function resolveImport(fromFile: string, specifier: string): string | null {
  const base = path.resolve(path.dirname(fromFile), specifier);
  const ext = path.extname(base);
  const source = SOURCE_OF[ext];
  if (source && !isFile(base) && isFile(base.slice(0, -ext.length) + source)) return base.slice(0, -ext.length) + source;
  return withExtensions(base, IMPORT_EXTENSIONS);
}

/**
 * Finds a handler module by its path-like name (`app/auth`) in the search folders, in order,
 * then as a package (`@acme/tsmod-ldap`) in the `node_modules` folders Node would look in from
 * `packageRoot` (ServerRoot). An absolute name is taken as it is.
 */
export function findHandlerModule(name: string, searchDirs: readonly string[], packageRoot?: string): string | null {
  if (path.isAbsolute(name)) return resolveModuleFile(name);
  for (const dir of searchDirs) {
    const found = resolveModuleFile(path.resolve(dir, name));
    if (found) return found;
  }
  if (packageRoot === undefined || name.startsWith(".")) return null;
  try {
    return require.resolve(name, { paths: [packageRoot] });
  } catch {
    return null;
  }
}
