import { ErrorCode, HTTP_NOT_FOUND, OK, type MaybePromise } from "../platform";
import { PSP, PSP_CONTENT_TYPE, type PSPOptions } from "./psp";
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

/**
 * The `.psp` content handler (mod_python's `psp.handler`): renders `req.filename`. A page that
 * renders at once answers without a promise.
 */
export function pspHandler(req: PSPRequest, options: PSPHandlerOptions = {}): MaybePromise<number> {
  const checkChanges = options.autoReload ?? true;
  req.contentType = PSP_CONTENT_TYPE;
  try {
    // Never reveal source unless debugging: the URL then simply does not exist.
    if (req.filename.endsWith("_")) return options.debug ? showSource(req, options, checkChanges) : HTTP_NOT_FOUND;
    // Spelled out, not spread: V8 gives a spread object a shape its readers then miss on,
    // which cost this handler about 2 µs a page.
    const pspOptions: PSPOptions = {
      root: options.root,
      checkChanges,
      cache: options.cache,
      form: options.form,
      session: options.session,
    };
    const running = new PSP(req, { filename: req.filename }, {}, pspOptions).start();
    return running ? running.then(() => OK, notFoundOrThrow) : OK;
  } catch (err) {
    return notFoundOrThrow(err);
  }
}

/** With `TsDebug On`, `page.psp_` shows the source and compiled code of `page.psp`. */
async function showSource(req: PSPRequest, options: PSPHandlerOptions, checkChanges: boolean): Promise<number> {
  const view = await sourceView(req.filename.slice(0, -1), { root: options.root, checkChanges, cache: options.cache });
  await req.write(sourceViewHtml(view));
  return OK;
}

function notFoundOrThrow(err: unknown): number {
  if (err instanceof PSPError && err.code === ErrorCode.PSP_NOT_FOUND) return HTTP_NOT_FOUND;
  throw err;
}
