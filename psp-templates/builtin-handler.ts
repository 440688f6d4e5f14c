import * as path from "node:path";
import { HTTP_NOT_FOUND, type Request } from "../platform";
import { pspHandler } from "./psp-handler";
import type { PSPRequest } from "./psp-request";

/**
 * `TsHandler tsmod/psp`: renders the `.psp` page a request maps to. Includes may not leave the
 * DocumentRoot (or the page's own folder when the page lies outside it, e.g. under an Alias).
 */
export async function handler(req: Request): Promise<number> {
  const filename = req.filename;
  if (!filename) return HTTP_NOT_FOUND;
  const config = req.getConfig();
  const docroot = req.documentRoot();
  const root = filename.startsWith(docroot + path.sep) ? docroot : path.dirname(filename);
  // The filename was checked above; the rest of Request matches PSPRequest structurally.
  return pspHandler(req as Request & PSPRequest, {
    debug: config.get("TsDebug") === "1",
    autoReload: config.get("TsAutoReload") !== "0",
    root,
  });
}
