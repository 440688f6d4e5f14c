import * as fs from "node:fs";
import * as path from "node:path";

export const MODULE_EXTENSIONS = [".ts", ".mts", ".js", ".mjs", ".cjs"];

/** Names that address modules shipped with tsmod rather than files on disk. */
export function isBuiltinName(name: string): boolean {
  return name === "tsmod" || name.startsWith("tsmod/");
}

function isFile(p: string): boolean {
  return fs.statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;
}

/** `base` as a module file: exactly, with one of the extensions, or as `base/index.*`. */
export function resolveModuleFile(base: string): string | null {
  if (MODULE_EXTENSIONS.includes(path.extname(base)) && isFile(base)) return base;
  for (const ext of MODULE_EXTENSIONS) if (isFile(base + ext)) return base + ext;
  for (const ext of MODULE_EXTENSIONS) {
    const index = path.join(base, "index" + ext);
    if (isFile(index)) return index;
  }
  return null;
}

/**
 * Finds a handler module by its path-like name (`app/auth`) in the search folders, in order.
 * An absolute name is taken as it is.
 */
export function findHandlerModule(name: string, searchDirs: readonly string[]): string | null {
  if (path.isAbsolute(name)) return resolveModuleFile(name);
  for (const dir of searchDirs) {
    const found = resolveModuleFile(path.resolve(dir, name));
    if (found) return found;
  }
  return null;
}
