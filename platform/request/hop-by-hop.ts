import type { Table } from "../table";

/**
 * Hop-by-hop headers (RFC 9110 7.6.1): they describe one connection, so a proxy forwards
 * none of them, whoever set them.
 */
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/** The connection options a `Connection` header lists (lower-case): names of hop-by-hop headers, or `close`. */
export function connectionTokens(values: readonly string[]): string[] {
  const tokens: string[] = [];
  for (const value of values) {
    for (const t of value.split(",")) {
      const token = t.trim().toLowerCase();
      if (token) tokens.push(token);
    }
  }
  return tokens;
}

/**
 * Removes from the client's request headers those its `Connection` header names: the client
 * declared them hop-by-hop (RFC 9110 7.6.1), so they are not the request's. Done once, when
 * the headers are first read, before any handler: a header a handler sets later under such a
 * name (an authen handler's `X-Remote-User` for a backend) is the handler's and stays, where
 * stripping at forwarding time would let the client delete it. The fixed hop-by-hop headers
 * stay visible to handlers (`Upgrade`, `TE`, ...); a proxy never forwards them anyway.
 */
export function dropConnectionOptions(headers: Table): void {
  if (!headers.has("connection")) return;
  for (const name of connectionTokens(headers.getAll("connection"))) {
    if (!HOP_BY_HOP.has(name)) headers.delete(name);
  }
}
