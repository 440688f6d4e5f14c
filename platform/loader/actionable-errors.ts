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
  const e = err as { code?: unknown; message?: unknown };
  const bare = !specifier.startsWith(".") && !path.isAbsolute(specifier) && !specifier.startsWith("node:");
  if (!bare || e?.code !== "MODULE_NOT_FOUND" || typeof e.message !== "string" || !e.message.startsWith(`Cannot find module '${specifier}'`)) return err;
  const pkg = packageOf(specifier);
  const error = new TsmodError(
    ErrorCode.PACKAGE_NOT_INSTALLED,
    `cannot find package '${pkg}' imported by ${file}: run \`npm install ${pkg}\` in ${installFolder(file)}`,
  );
  error.cause = err;
  return error;
}
