import { ErrorCode, HTTP_NOT_FOUND, OK } from "../platform";
import { PSP, PSP_CONTENT_TYPE } from "./psp";
import { PSPError } from "./psp-error";
import type { LazyProvider, PSPRequest } from "./psp-request";
import { sourceView, sourceViewHtml } from "./source-view";
import type { PSPCache } from "./template-cache";

export interface PSPHandlerOptions {
  /** TsDebug: `page.psp_` shows the source and compiled code of `page.psp` (404 otherwise). */
  debug?: boolean;
  /** TsAutoReload: recompile pages whose files changed. Default true. */
  autoReload?: boolean;
  /** Folder includes may not leave, e.g. the DocumentRoot. Default: the page's folder. */
  root?: string;
  form?: LazyProvider;
  session?: LazyProvider;
  cache?: PSPCache;
}

/** The `.psp` content handler (mod_python's `psp.handler`): renders `req.filename`. */
export async function pspHandler(req: PSPRequest, options: PSPHandlerOptions = {}): Promise<number> {
  const common = { root: options.root, checkChanges: options.autoReload ?? true, cache: options.cache };
  req.contentType = PSP_CONTENT_TYPE;
  try {
    if (req.filename.endsWith("_")) {
      // Never reveal source unless debugging: the URL then simply does not exist.
      if (!options.debug) return HTTP_NOT_FOUND;
      await req.write(sourceViewHtml(await sourceView(req.filename.slice(0, -1), common)));
      return OK;
    }
    await new PSP(req, { filename: req.filename }, {}, { ...common, form: options.form, session: options.session }).run();
    return OK;
  } catch (err) {
    if (err instanceof PSPError && err.code === ErrorCode.PSP_NOT_FOUND) return HTTP_NOT_FOUND;
    throw err;
  }
}
