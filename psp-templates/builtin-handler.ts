import * as path from "node:path";
import { HTTP_NOT_FOUND, readForm, type Request, type MaybePromise } from "../platform";
import { pspHandler } from "./psp-handler";
import type { PSPRequest } from "./psp-request";

/**
 * `TsHandler tsmod/psp`: renders the `.psp` page a request maps to. Includes may not leave the
 * DocumentRoot (or the page's own folder when the page lies outside it, e.g. under an Alias).
 * A GET page's form is at hand at once, so a page that awaits nothing answers without a promise.
 */
export function handler(req: Request): MaybePromise<number> {
  const filename = req.filename;
  if (!filename) return HTTP_NOT_FOUND;
  const docroot = req.documentRoot();
  const underDocroot = filename.length > docroot.length && filename.startsWith(docroot) && filename[docroot.length] === path.sep;
  // Read in place: `req.getConfig()` would copy every setting into a new table per page.
  const core = req._state.plan.core;
  // The filename was checked above; the rest of Request matches PSPRequest structurally.
  return pspHandler(req as Request & PSPRequest, {
    debug: core.debug,
    autoReload: core.autoReload,
    root: underDocroot ? docroot : path.dirname(filename),
    form: requestForm,
  });
}

/** One provider for every page, not a closure per request: the page hands it its request. */
function requestForm(req: PSPRequest): unknown {
  return readForm(req as Request & PSPRequest);
}
