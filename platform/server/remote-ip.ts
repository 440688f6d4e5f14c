import { isIP } from "node:net";
import type { CoreServer } from "../core";

/** What a trusted proxy says of the client (mod_remoteip), beyond the socket's own view. */
export interface ForwardedClient {
  readonly ip: string;
  /** `X-Forwarded-Proto` of the nearest proxy, lower-case; undefined when it sent none. */
  readonly proto: string | undefined;
  /** `X-Forwarded-Host` of the nearest proxy; undefined when it sent none. */
  readonly host: string | undefined;
}

/**
 * mod_remoteip's walk: when the peer is a trusted proxy (or no `RemoteIPTrustedProxy` is set:
 * Apache then trusts every peer), the client is found by reading `RemoteIPHeader` from the
 * right, past each trusted proxy, up to the first address that is not one. A value that is
 * not an address stops the walk there. Null when the header is not in use for this peer, or
 * the request forwards nothing.
 */
export function forwardedClient(server: CoreServer, peerIp: string, rawHeaders: readonly string[]): ForwardedClient | null {
  const header = server.remoteIpHeader;
  const trusted = server.trustedProxies;
  if (header === null || (trusted !== null && !trusted.has(peerIp))) return null;
  const hops = headerValues(rawHeaders, header.toLowerCase());
  let ip = peerIp;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i];
    if (isIP(hop) === 0) break;
    ip = hop;
    if (trusted !== null && !trusted.has(hop)) break;
  }
  const proto = lastValue(rawHeaders, "x-forwarded-proto")?.toLowerCase();
  const host = lastValue(rawHeaders, "x-forwarded-host");
  // A request from the proxy's own host that forwards nothing is a direct one.
  if (hops.length === 0 && proto === undefined && host === undefined) return null;
  return { ip, proto, host };
}

/** Every comma-separated value of a header, over all its lines, in order. */
function headerValues(rawHeaders: readonly string[], lowerName: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i].toLowerCase() !== lowerName) continue;
    for (const part of rawHeaders[i + 1].split(",")) {
      const v = part.trim();
      if (v) out.push(v);
    }
  }
  return out;
}

/** The value the nearest proxy added: the last one. */
function lastValue(rawHeaders: readonly string[], lowerName: string): string | undefined {
  const all = headerValues(rawHeaders, lowerName);
  return all.length ? all[all.length - 1] : undefined;
}
