/**
 * tsmod's PSP engine: `.psp` pages compiled on Eta.
 *
 * - Parsing is ours (parser.ts), not Eta's: PSP's `<%-- --%>` and `<%@ include %>` clash with
 *   Eta's `-`/`_` trim markers, and Eta's parser rewrites `\r` in text. The segments are handed
 *   to Eta's code generator, and every generated line is mapped back to its file and line.
 * - Vars become plain names through a generated `let {title, ...} = __psp_vars` rather than
 *   `with`, so pages run in strict mode; one compiled function per page and set of var names.
 * - A page's output is buffered (its `req.write` included) and written when it is complete, so
 *   `psp.redirect` works anywhere and an error page can follow the output before the error.
 */
export { PSP, PSP_CONTENT_TYPE, type PSPOptions, type PSPSource } from "./psp";
export type { PSPVars } from "./page-run";
export type { PSPInterface } from "./psp-interface";
export type { LazyProvider, PSPRequest } from "./psp-request";
export { PSPError, debugSnippet } from "./psp-error";
export { pspHandler, type PSPHandlerOptions } from "./psp-handler";
export { sourceView, sourceViewHtml, type PSPSourceView } from "./source-view";
export { PSPCache, defaultPSPCache, type PSPCacheOptions } from "./template-cache";
export { handler } from "./builtin-handler";
