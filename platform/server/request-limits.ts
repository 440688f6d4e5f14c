import type { IncomingMessage } from "node:http";
import { HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE, HTTP_REQUEST_URI_TOO_LARGE } from "../constants";
import type { CoreServer } from "../core";
import type { Refusal } from "./refusal";

/**
 * `LimitRequestLine`, `LimitRequestFields` and `LimitRequestFieldSize` for the matched
 * server. Node's own limits are set wide enough for every server (see `http-server.ts`);
 * these exact checks give the 414/431 with a reason Apache would (Node only truncates the
 * header list silently).
 */
export function checkRequestLimits(raw: IncomingMessage, server: CoreServer): Refusal | null {
  const lineLength = (raw.method ?? "").length + (raw.url ?? "").length + raw.httpVersion.length + 7;
  if (server.limitRequestLine > 0 && lineLength > server.limitRequestLine) {
    return { status: HTTP_REQUEST_URI_TOO_LARGE, reason: `The request line (${lineLength} bytes) exceeds LimitRequestLine (${server.limitRequestLine} bytes).` };
  }
  const headers = raw.rawHeaders;
  const count = headers.length / 2;
  if (server.limitRequestFields > 0 && count > server.limitRequestFields) {
    return { status: HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE, reason: `The request has ${count} header fields; LimitRequestFields allows ${server.limitRequestFields}.` };
  }
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const size = headers[i].length + 2 + headers[i + 1].length;
    if (size > server.limitRequestFieldSize) {
      const name = headers[i].replace(/[^\w-]/g, "?").slice(0, 64);
      return { status: HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE, reason: `The request header field ${name} (${size} bytes) exceeds LimitRequestFieldSize (${server.limitRequestFieldSize} bytes).` };
    }
  }
  return null;
}

/** Node parser limits that admit everything some server's limits admit. */
export function nodeParserLimits(servers: readonly CoreServer[]): { maxHeaderSize: number; maxHeadersCount: number } {
  let size = 16 * 1024;
  let count = 0;
  for (const s of servers) {
    size = Math.max(size, s.limitRequestLine + 2 * s.limitRequestFieldSize + 1024);
    count = s.limitRequestFields === 0 || count === -1 ? -1 : Math.max(count, s.limitRequestFields + 1);
  }
  return { maxHeaderSize: size, maxHeadersCount: Math.max(count, 0) };
}
