import * as fs from "node:fs";
import * as path from "node:path";
import { closest } from "../config";
import { ErrorCode, TsmodError } from "../errors";

/** Names a module exports for tsmod's own use, never a handler a person means. */
const HOOK_EXPORTS: ReadonlySet<string> = new Set(["__reload__", "__unload__", "default", "__esModule"]);

/**
 * "module 'app/x' contains no 'handler'", with what a person can act on: the closest exported
 * function ("did you mean 'handle'?") and the functions the module does export.
 */
export function missingExportMessage(moduleName: string, name: string, exports: Record<string, unknown>): string {
  const functions = Object.keys(exports).filter((k) => typeof exports[k] === "function" && !HOOK_EXPORTS.has(k));
  const guess = closest(name, functions);
  const hint = guess ? ` (did you mean '${guess}'?)` : "";
  const listed = functions.length > 0 ? `; it exports ${functions.map((f) => `'${f}'`).join(", ")}` : "; it exports no function";
  return `module '${moduleName}' contains no '${name}'${hint}${listed}`;
}

/** The package a bare import names: `zod` for `zod/v4`, `@scope/pkg` for `@scope/pkg/sub`. */
function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** The folder `npm install` should run in for `file`: the nearest one above it with a package.json. */
function installFolder(file: string): string {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) return path.dirname(file);
  }
}

/**
 * Node's "Cannot find module 'zod'" for a bare import of `file`, said as what to do: which
 * package to install, and where. Any other error (a relative file missing, or a package
 * that is there but fails to find one of its own) is returned as it is.
 */
export function missingPackageError(err: unknown, specifier: string, file: string): unknown {
  return packageError(err, specifier, `imported by ${file}`, installFolder(file));
}

/**
 * The folder a package that tsmod itself loads on first use (better-sqlite3 for SQLite, pg
 * for PostgreSQL) must be installed in: the project whose node_modules holds tsmod.
 */
function projectOfTsmod(): string {
  const parts = __dirname.split(path.sep);
  const at = parts.lastIndexOf("node_modules");
  return at > 0 ? parts.slice(0, at).join(path.sep) || path.sep : path.resolve(__dirname, "..", "..");
}

/**
 * Loads an optional peer dependency of tsmod's (`load` requires the file that imports it);
 * when it is missing, or installed without its native part built, the error says which
 * feature needs it and the command that fixes it.
 */
export function loadOptionalPackage<T>(load: () => T, pkg: string, neededBy: string): T {
  try {
    return load();
  } catch (e) {
    const folder = projectOfTsmod();
    if (typeof (e as Error | null)?.message === "string" && (e as Error).message.includes("Could not locate the bindings file")) {
      const error = new TsmodError(
        ErrorCode.PACKAGE_NOT_INSTALLED,
        `${neededBy} needs '${pkg}', which is installed without its native part (npm install --ignore-scripts?): run \`npm rebuild ${pkg}\` in ${folder}`,
      );
      error.cause = e;
      throw error;
    }
    throw packageError(e, pkg, `needed by ${neededBy}`, folder);
  }
}

function packageError(err: unknown, specifier: string, by: string, folder: string): unknown {
  const e = err as { code?: unknown; message?: unknown };
  const bare = !specifier.startsWith(".") && !path.isAbsolute(specifier) && !specifier.startsWith("node:");
  if (!bare || e?.code !== "MODULE_NOT_FOUND" || typeof e.message !== "string" || !e.message.startsWith(`Cannot find module '${specifier}'`)) return err;
  const pkg = packageOf(specifier);
  const error = new TsmodError(ErrorCode.PACKAGE_NOT_INSTALLED, `cannot find package '${pkg}' ${by}: run \`npm install ${pkg}\` in ${folder}`);
  error.cause = err;
  return error;
}
