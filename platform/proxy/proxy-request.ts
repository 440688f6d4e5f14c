import type { IncomingMessage } from "node:http";
import { APLOG_ERR, APLOG_INFO, DONE, HTTP_INTERNAL_SERVER_ERROR, OK } from "../constants";
import { ErrorCode, TsmodError } from "../errors";
import { bodyDeadline, type Request } from "../request";
import type { ProxyConfig } from "./directives";
import { exchange, type Exchange } from "./backend-exchange";
import { backendRequestHeaders, copyResponseHeaders } from "./forward-headers";
import { PROXY_FILENAME_PREFIX } from "./proxy-route";
import { tunnel } from "./websocket-tunnel";

/**
 * The content step of a proxied request (`req.filename` is `proxy:URL`): every earlier phase
 * has run, so access, authen, authz and fixup handlers guard the backend exactly as they
 * guard TypeScript content. Streams the body both ways with backpressure; answers 502 when
 * the backend cannot be reached and 504 after `ProxyTimeout`.
 */
export async function proxyRequest(req: Request, config: ProxyConfig): Promise<number> {
  const state = req._state;
  let target: URL;
  try {
    target = new URL(req.filename!.slice(PROXY_FILENAME_PREFIX.length));
  } catch {
    req.logError(`${req.uri}: cannot proxy to '${req.filename}': not a URL`, APLOG_ERR);
    return HTTP_INTERNAL_SERVER_ERROR;
  }
  // The body goes to the backend straight from the socket; a handler that read some of it
  // has taken bytes the backend would never see.
  if (state.body && state.body.bytesRead > 0) {
    req.logError(`${req.uri}: a handler read the request body before ProxyPass could forward it`, APLOG_ERR);
    return HTTP_INTERNAL_SERVER_ERROR;
  }
  const raw = req.raw;
  const upgrade = isUpgrade(raw) ? (raw.headers.upgrade ?? null) : null;
  const headers = backendRequestHeaders(req, target.host, config.preserveHost, upgrade, config.addRemoteUser);
  const framing = bodyFraming(raw);
  if (framing !== null) headers.push(...framing);
  const body = framing !== null && framing[1] !== "0" && !state.stream.readableEnded ? state.stream : null;
  const result = await exchange({
    method: req.method,
    target,
    headers,
    framed: framing !== null,
    timeoutMs: (config.timeout ?? req.server.timeout) * 1000,
    body,
    bodyLimit: state.plan.core.bodyLimit,
    bodyDeadline: body ? bodyDeadline(req) : null,
    upgrade: upgrade !== null,
  });
  if (result.kind === "failed") {
    req.notes.set("error-notes", result.reason);
    // The client's own fault (a body too large or too slow) is no server error.
    req.logError(`${req.uri}: proxy: ${result.reason}`, result.status < 500 ? APLOG_INFO : APLOG_ERR);
    // The client may still be sending a body nobody will read.
    if (body) req.errHeadersOut.set("Connection", "close");
    return result.status;
  }
  if (result.kind === "upgrade") {
    await tunnel(req, result, config.reverse, (config.timeout ?? req.server.timeout) * 1000);
    return DONE;
  }
  return relayResponse(req, result, config);
}

/** Node's parser flags requests that arrived through the server's `upgrade` event (untyped in @types/node). */
function isUpgrade(raw: IncomingMessage): boolean {
  return (raw as IncomingMessage & { upgrade?: boolean }).upgrade === true;
}

/**
 * The body's framing header for the backend, as the client framed it (Apache's mod_proxy_http
 * does the same): its Content-Length (`0` included), or chunked for a chunked body (Node's
 * parser accepts no other transfer coding, nor both). Null when the client sent neither: the
 * request has no body, and the backend must see none (mod_dav refuses a MKCOL with one).
 */
function bodyFraming(raw: IncomingMessage): [string, string] | null {
  if (raw.headers["transfer-encoding"] !== undefined) return ["Transfer-Encoding", "chunked"];
  const length = raw.headers["content-length"];
  return length === undefined ? null : ["Content-Length", length];
}

/** Sends the backend's status, headers and body on through the request's output. */
async function relayResponse(req: Request, result: Extract<Exchange, { kind: "response" }>, config: ProxyConfig): Promise<number> {
  const { response, request } = result;
  const output = req._state.output;
  req.status = response.statusCode ?? 502;
  const { contentType, contentLength } = copyResponseHeaders(req, response.rawHeaders, config.reverse);
  req.contentType = contentType;
  // With output filters (gzip, ...) the backend's length no longer holds: the body goes
  // through them, still streamed as it comes.
  try {
    if (!output.startStreaming(contentLength)) await output.flush();
  } catch (e) {
    // No response can start (a header Node refuses): the backend's is abandoned, not left open.
    request.destroy();
    throw e;
  }
  try {
    for await (const chunk of response) await output.write(chunk as Buffer);
  } catch (e) {
    request.destroy();
    if (e instanceof TsmodError && e.code === ErrorCode.CLIENT_GONE) {
      req.logError(`${req.uri}: proxy: the client went away during the response`, APLOG_INFO);
    } else {
      // Ending the response normally would pass a truncated body off as complete.
      req.logError(`${req.uri}: proxy: the backend response broke off: ${(e as Error).message}`, APLOG_ERR);
      req.rawResponse.destroy();
    }
  }
  return OK;
}
