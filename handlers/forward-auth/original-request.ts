import type { Request } from "../../platform";

/** The request the front server asks about, from the headers nginx, Traefik or Caddy add. */
export interface OriginalRequest {
  readonly method: string;
  readonly uri: string;
  readonly hostname: string | undefined;
}

/**
 * nginx sends what its configuration sets (`X-Original-URI $request_uri`, `X-Original-Method`);
 * Traefik and Caddy send `X-Forwarded-Method/-Host/-Uri`. Null when neither names a URI.
 */
export function originalRequest(req: Request): OriginalRequest | null {
  const h = req.headersIn;
  const uri = h.get("x-original-uri") ?? h.get("x-forwarded-uri");
  if (!uri || !uri.startsWith("/")) return null;
  const method = (h.get("x-original-method") ?? h.get("x-forwarded-method") ?? "GET").toUpperCase();
  if (!/^[A-Z]+$/.test(method)) return null;
  const hostname = h.get("x-original-host") ?? h.get("x-forwarded-host") ?? undefined;
  return { method, uri, hostname: hostname?.split(",")[0].trim() || undefined };
}

/** The peer's own address (not the client a trusted proxy names): whom the headers come from. */
export function peerAddress(req: Request): string {
  const ip = req.raw.socket.remoteAddress ?? "";
  return ip.startsWith("::ffff:") ? ip.slice(7) : ip;
}
