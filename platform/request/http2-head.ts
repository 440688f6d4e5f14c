import type { IncomingMessage, ServerResponse } from "node:http";

/** Headers about the HTTP/1 connection, which HTTP/2 forbids (RFC 9113 8.2.2): Node throws on them. */
const CONNECTION_HEADERS = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"]);

/** Whether a response goes out over HTTP/2 (Node's compatibility API: same methods, stricter head). */
export function isHttp2(res: ServerResponse): boolean {
  return res.req.httpVersionMajor === 2;
}

/** A flat header list without the connection-specific ones, for an HTTP/2 response. */
export function withoutConnectionHeaders(flat: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) if (!CONNECTION_HEADERS.has(flat[i].toLowerCase())) out.push(flat[i], flat[i + 1]);
  return out;
}

/**
 * Whether a request has a body. HTTP/1.1 announces one with Content-Length or
 * Transfer-Encoding; an HTTP/2 stream has one unless its headers ended it (a client need not
 * send a length there).
 */
export function requestHasBody(req: IncomingMessage, contentLength: string | undefined, chunked: boolean): boolean {
  if (Number(contentLength) > 0 || chunked) return true;
  return req.httpVersionMajor === 2 && (req as IncomingMessage & { stream?: { endAfterHeaders?: boolean } }).stream?.endAfterHeaders === false;
}
