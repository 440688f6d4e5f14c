import { APLOG_DEBUG, APLOG_ERR, APLOG_INFO, DONE, HTTP_INTERNAL_SERVER_ERROR } from "../constants";
import { ErrorCode, TsmodError, isServerReturn, outOfFiles } from "../errors";
import { escapeHtml } from "../html";
import { errorText } from "../log";
import type { Request } from "../request";

/**
 * Turns what a handler threw into a phase result. `ServerReturn` is a plain result; errors
 * with a 4xx status (a body that timed out, was too large, ...) answer with that status;
 * running out of file descriptors (EMFILE, ENFILE), whatever the handler was opening, is a
 * 503 with that reason; anything else is logged with the phase and handler and becomes a
 * 500 — with `TsDebug On` the stack trace is written into the response instead, and the
 * result is DONE.
 */
export async function reportError(req: Request, where: string, err: unknown): Promise<number> {
  if (isServerReturn(err)) {
    if (err.statusOverride) req.status = err.statusOverride;
    return err.result;
  }
  // The filter chain has logged its failure with the filter's name, the output a refused
  // response head with the header's.
  if (err instanceof TsmodError && (err.code === ErrorCode.FILTER_FAILED || err.code === ErrorCode.RESPONSE_HEAD_INVALID)) return HTTP_INTERNAL_SERVER_ERROR;
  if (err instanceof TsmodError && err.code === ErrorCode.CLIENT_GONE) {
    req.logError(`${where}: ${err.message}`, APLOG_INFO);
    return DONE;
  }
  const exhausted = err instanceof TsmodError && err.code === ErrorCode.TOO_MANY_OPEN_FILES ? err : outOfFiles(err);
  if (exhausted) {
    // The client may retry, so it is told why; the log keeps the file the open was for.
    const cause = exhausted.cause as { message?: unknown } | undefined;
    req.logError(`${where}: ${exhausted.message}${typeof cause?.message === "string" ? ` (${cause.message})` : ""}`, APLOG_ERR);
    req.notes.set("error-notes", exhausted.message);
    return exhausted.status;
  }
  const status = typeof (err as { status?: unknown })?.status === "number" ? (err as { status: number }).status : 500;
  if (status >= 400 && status < 500) {
    const message = (err as Error).message;
    req.logError(`${where}: ${message}`, APLOG_INFO);
    req.notes.set("error-notes", message);
    return status;
  }
  const text = errorText(err, req._state.runtime.errorLog.enabled(APLOG_DEBUG));
  req.logError(`${where}: ${text}`, APLOG_ERR);
  // A server-side failure with its own status (503: a database down) keeps it.
  const serverStatus = status >= 500 && status < 600 ? status : HTTP_INTERNAL_SERVER_ERROR;
  if (!req._state.plan.core.debug || req.headerOnly) return serverStatus;
  if (!req.headersSent) {
    req.status = serverStatus;
    req.contentType = "text/html; charset=utf-8";
  }
  // Errors that know their source (PSP pages) add an already-escaped snippet of it.
  const snippet = typeof (err as { htmlSnippet?: unknown })?.htmlSnippet === "function" ? (err as { htmlSnippet(): string }).htmlSnippet() : "";
  await req
    .write(`\n<pre>\ntsmod error: "${escapeHtml(where)}"\n\n${escapeHtml(text)}\n</pre>\n${snippet}`)
    .catch(() => undefined);
  return DONE;
}
