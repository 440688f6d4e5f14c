import type { ProxyReverseRule } from "./directives";
import { HOP_BY_HOP, connectionTokens } from "../request";
import type { Request } from "../request";
import { joinPath } from "./proxy-route";

/**
 * Also dropped on the way in: the client's `Expect: 100-continue` was answered here already,
 * and the body's framing (`Content-Length`) is the proxy's to set from the client's request.
 */
const NOT_FORWARDED_IN = new Set([...HOP_BY_HOP, "host", "expect", "content-length"]);

/** Set here, appending to what an earlier proxy sent (as Apache does). */
const FORWARDED = new Set(["x-forwarded-for", "x-forwarded-host", "x-forwarded-proto"]);

/** Headers `ProxyPassReverse` rewrites, as Apache's mod_proxy. */
const REVERSE_MAPPED = new Set(["location", "content-location", "uri"]);

function appendValue(existing: string | undefined, value: string): string {
  return existing ? `${existing}, ${value}` : value;
}

/**
 * The request headers for the backend as a flat name/value list: `req.headersIn` (which
 * earlier phases may have changed, e.g. an authen handler adding `X-Remote-User`) minus the
 * fixed hop-by-hop headers, with `Host` and Apache's `X-Forwarded-For/-Host/-Proto` set.
 * The headers the client's `Connection` named left `req.headersIn` before any handler ran
 * (`dropConnectionOptions`); naming them again here would drop what handlers set under those
 * names. For an upgrade, `Connection: Upgrade` and the client's `Upgrade` are passed on.
 * `addRemoteUser` (`ProxyAddRemoteUser On`): `X-Remote-User` is the authenticated user, never
 * what the client sent under that name.
 */
export function backendRequestHeaders(req: Request, backendHost: string, preserveHost: boolean, upgrade: string | null, addRemoteUser = false): string[] {
  const h = req.headersIn;
  const out: string[] = [];
  for (const [name, value] of h) {
    const key = name.toLowerCase();
    if (NOT_FORWARDED_IN.has(key) || FORWARDED.has(key) || (addRemoteUser && key === "x-remote-user")) continue;
    out.push(name, value);
  }
  if (addRemoteUser && req.user) out.push("X-Remote-User", req.user);
  const clientHost = h.get("host");
  out.push("Host", preserveHost && clientHost ? clientHost : backendHost);
  out.push("X-Forwarded-For", appendValue(h.getAll("x-forwarded-for").join(", "), req.connection.remoteIp));
  out.push("X-Forwarded-Host", appendValue(h.getAll("x-forwarded-host").join(", "), clientHost ?? req.hostname));
  out.push("X-Forwarded-Proto", appendValue(h.getAll("x-forwarded-proto").join(", "), req.isHttps() ? "https" : "http"));
  if (upgrade) out.push("Connection", "Upgrade", "Upgrade", upgrade);
  return out;
}

/**
 * Copies the backend's response headers to `req.headersOut`: hop-by-hop ones dropped,
 * `Location`/`Content-Location`/`URI` mapped back by `ProxyPassReverse`. A header an earlier
 * phase already set keeps its value (`Set-Cookie` is added to, never replaced), so a fixup
 * can still decide, say, `Cache-Control` for a proxied location. Returns Content-Type and
 * Content-Length, which the response writer sets itself.
 */
export function copyResponseHeaders(
  req: Request,
  rawHeaders: string[],
  reverse: ReadonlyMap<string, ProxyReverseRule>,
): { contentType: string | null; contentLength: number | null } {
  const out = req.headersOut;
  const preset = new Set(out.keys().map((k) => k.toLowerCase()));
  const dropped = new Set<string>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i].toLowerCase() === "connection") for (const t of connectionTokens([rawHeaders[i + 1]])) dropped.add(t);
  }
  let contentType: string | null = null;
  let contentLength: number | null = null;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    let value = rawHeaders[i + 1];
    const key = name.toLowerCase();
    if (HOP_BY_HOP.has(key) || dropped.has(key)) continue;
    if (key === "content-type") {
      contentType = value;
      continue;
    }
    if (key === "content-length") {
      contentLength = Number(value);
      continue;
    }
    if (preset.has(key) && key !== "set-cookie") continue;
    if (reverse.size > 0 && REVERSE_MAPPED.has(key)) value = reverseMap(req, reverse, value);
    out.add(name, value);
  }
  return { contentType, contentLength: contentLength !== null && Number.isSafeInteger(contentLength) && contentLength >= 0 ? contentLength : null };
}

/**
 * `ProxyPassReverse`: a backend URL under one of the mapped backends becomes the client-side
 * URL (absolute, with the host the client used); a backend-relative path under the backend's
 * path becomes the client-side path.
 */
function reverseMap(req: Request, rules: ReadonlyMap<string, ProxyReverseRule>, value: string): string {
  for (const rule of rules.values()) {
    if (value.startsWith(rule.backend)) return req.constructUrl(clientPath(rule, value.slice(rule.backend.length)));
    // A bare host URL (`http://b:8080`) is the backend's root, as `http://b:8080/`.
    if (rule.backend.endsWith("/") && value === rule.backend.slice(0, -1)) return req.constructUrl(clientPath(rule, ""));
  }
  if (value.startsWith("/")) {
    for (const rule of rules.values()) {
      if (value.startsWith(rule.backendPath)) return clientPath(rule, value.slice(rule.backendPath.length));
    }
  }
  return value;
}

function clientPath(rule: ProxyReverseRule, rest: string): string {
  const prefix = rule.backend.endsWith("/") && !rule.prefix.endsWith("/") ? rule.prefix + "/" : rule.prefix;
  return rest === "" ? prefix : joinPath(prefix, rest);
}
