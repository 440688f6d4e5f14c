import * as path from "node:path";
import type { Request } from "../request";
export { isHtFile } from "../core";

/** Handler-module sources are never served as static files, even where a handler declined. */
const SOURCE_EXTENSIONS: ReadonlySet<string> = new Set([".ts", ".mts", ".cts", ".psp"]);

/** A TypeScript/PSP source, or any file a module registry has loaded as code. */
export function isHandlerSource(req: Request, filename: string): boolean {
  return SOURCE_EXTENSIONS.has(path.extname(filename).toLowerCase()) || req._state.runtime.isLoadedModule(filename);
}

/** For directory listings: names a client could not fetch are not shown either. */
export function isHiddenName(name: string): boolean {
  return name.startsWith(".ht") || SOURCE_EXTENSIONS.has(path.extname(name).toLowerCase());
}
