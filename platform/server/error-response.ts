import { STATUS_CODES } from "node:http";
import { ERROR_RESPONSE_NOTE } from "../constants";
import { escapeHtml } from "../html";
import type { Request } from "../request";

const MESSAGES: Record<number, string> = {
  400: "Your browser sent a request that this server could not understand.",
  401: "This server could not verify that you are authorized to access the document requested.",
  403: "You don't have permission to access this resource.",
  404: "The requested URL was not found on this server.",
  405: "The requested method is not allowed for this URL.",
  408: "Server timeout waiting for the HTTP request from the client.",
  413: "The requested resource does not allow request data with this method, or the amount of data provided in the request exceeds the capacity limit.",
  500: "The server encountered an internal error or misconfiguration and was unable to complete your request.",
  502: "The proxy server received an invalid response from an upstream server.",
  503: "The server is temporarily unable to service your request.",
  504: "The gateway did not receive a timely response from the upstream server.",
};

/** Apache's built-in error page; `error-notes` (a reason tsmod recorded) is shown escaped. */
export function defaultErrorPage(req: Request, status: number): string {
  const title = `${status} ${STATUS_CODES[status] ?? "Error"}`;
  let message = MESSAGES[status] ?? "";
  if (status >= 300 && status < 400) {
    const location = req.errHeadersOut.get("location") ?? "";
    message = `The document has moved <a href="${escapeHtml(location)}">here</a>.`;
  }
  const notes = req.notes.get("error-notes");
  const reason = notes ? `\n<p>${escapeHtml(notes)}</p>` : "";
  return (
    `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>${title}</title>\n</head><body>\n` +
    `<h1>${escapeHtml(STATUS_CODES[status] ?? "Error")}</h1>\n<p>${message}</p>${reason}\n</body></html>\n`
  );
}

/**
 * Prepares a request for an error response: output not yet sent is dropped, `headersOut`
 * is dropped (only `errHeadersOut` goes out with errors, as in Apache; a redirect's Location
 * is kept), and the headers a status calls for are added.
 */
export function prepareErrorHeaders(req: Request, status: number): void {
  req.status = status;
  req.notes.set(ERROR_RESPONSE_NOTE, String(status));
  const location = req.headersOut.get("location");
  req.headersOut.clear();
  if (location && status >= 300 && status < 400 && !req.errHeadersOut.has("location")) req.errHeadersOut.set("Location", location);
  if (status === 401 && !req.errHeadersOut.has("www-authenticate")) {
    const type = req.authType();
    if (!type || type.toLowerCase() === "basic") {
      const realm = (req.authName() ?? "tsmod").replace(/["\\]/g, "\\$&");
      req.errHeadersOut.set("WWW-Authenticate", `Basic realm="${realm}"`);
    }
  }
  if ((status === 405 || status === 501) && !req.errHeadersOut.has("allow")) {
    const allowed = ["GET", "HEAD", "POST", "OPTIONS", ...req.allowedMethods];
    req.errHeadersOut.set("Allow", [...new Set(allowed)].join(", "));
  }
}
