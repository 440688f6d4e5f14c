import { ErrorCode, TsmodError } from "../errors";
import { parseForm, parseQueryForm, type FieldStorage } from "../forms";
import { bodyDeadline } from "./body-deadline";
import type { Request } from "./request";
import type { MaybePromise } from "../maybe-promise";
import { requestHasBody } from "./http2-head";

/**
 * `req.form()` without a promise when there is nothing to wait for (a GET or HEAD form), so
 * built-in handlers that need the fields can stay synchronous. Parsed once per request.
 */
export function readForm(req: Request): MaybePromise<FieldStorage> {
  const s = req._state;
  return (s.form ??= parseRequestForm(req));
}

/**
 * Parses a request's form: the query string, then an urlencoded or multipart body. Uploads
 * go to temporary files removed when the request ends. A body that arrives too slowly
 * (`RequestReadTimeout`) or stalls for `Timeout` answers 408. A GET or HEAD form is returned
 * as it is, without a promise.
 */
function parseRequestForm(req: Request): MaybePromise<FieldStorage> {
  try {
    const body = req._state.body;
    if (body && body.bytesRead > 0) {
      throw new TsmodError(
        ErrorCode.BODY_CONSUMED,
        "req.form(): the request body was already read with req.read(); call req.form() before reading the body yourself",
      );
    }
    // GET and HEAD forms are their query string, parsed at once: no header is looked at (the
    // publisher's and PSP's usual request), no stall timer, no temporary file to dispose of.
    if (req.method !== "GET" && req.method !== "HEAD") return parseBodyForm(req);
    return parseQueryForm(req.args || null, req._state.plan.core.formSettings());
  } catch (e) {
    return Promise.reject(e);
  }
}

async function parseBodyForm(req: Request): Promise<FieldStorage> {
  const state = req._state;
  // The settings are the parser's options as they stand (made once per plan).
  const options = state.plan.core.formSettings();
  const query = req.args || null;
  const raw = req.raw;
  const lengthHeader = req.headersIn.get("content-length");
  const hasBody = requestHasBody(raw, lengthHeader, req.headersIn.has("transfer-encoding"));
  // Input filters see the body before the form parser does; their output has a length of its own.
  const body = hasBody ? state.runtime.services.requestBody(req) : null;
  const filtered = body !== null && body !== raw;
  const input = {
    query,
    contentType: req.headersIn.get("content-type"),
    contentLength: lengthHeader === undefined || filtered ? undefined : Number(lengthHeader),
    body,
  };
  if (!body) return parseForm(input, options);
  const abort = new AbortController();
  const deadline = bodyDeadline(req);
  deadline.wait((e) => abort.abort(e));
  // A client that goes away ends the parse at once, also once its body is all in (uploads
  // still being written to disk): nothing it sent is worth keeping open a file for.
  const gone = () => abort.abort(new TsmodError(ErrorCode.BODY_ABORTED, "the client closed the connection before the form was read", 400));
  const socket = raw.socket;
  socket.once("close", gone);
  try {
    const form = await parseForm(input, { ...options, signal: abort.signal });
    req.registerCleanup(() => form.dispose());
    return form;
  } finally {
    deadline.stopWaiting();
    socket.off("close", gone);
  }
}
