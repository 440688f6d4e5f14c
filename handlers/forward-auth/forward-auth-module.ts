import {
  APLOG_ERR,
  APLOG_INFO,
  AUTHN_PROVIDER_NOTE,
  HTTP_FORBIDDEN,
  HTTP_MOVED_TEMPORARILY,
  HTTP_UNAUTHORIZED,
  OK,
  defineModule,
  moduleState,
  type AuthProvider,
  type Request,
} from "../../platform";
import { originalRequest, peerAddress } from "./original-request";

/** The handler's name in `SetHandler`. */
export const FORWARD_AUTH_HANDLER = "tsmod-forward-auth";

/**
 * `SetHandler tsmod-forward-auth`: answers nginx `auth_request`, Traefik `forwardAuth` and Caddy
 * `forward_auth` by running the access, authentication and authorization checks configured for
 * the ORIGINAL request's URL (a sub-request, never its content): 200 with `Remote-User` and
 * `Remote-Groups`, 401 with `WWW-Authenticate`, or 403. Never a 3xx or 5xx, which nginx turns
 * into a 500: a Form login's redirect becomes a 401 with the `Location`, anything else a 403.
 */
async function forwardAuth(req: Request): Promise<number> {
  const peer = peerAddress(req);
  if (!req.server.config.trustedProxies?.has(peer)) {
    req.logError(`forward-auth: ${peer} is not a RemoteIPTrustedProxy; its X-Original-*/X-Forwarded-* headers are not believed`, APLOG_ERR);
    return HTTP_FORBIDDEN;
  }
  const original = originalRequest(req);
  if (!original) {
    req.logError("forward-auth: the request names no original URI (nginx: proxy_set_header X-Original-URI $request_uri; Traefik/Caddy send X-Forwarded-Uri)", APLOG_ERR);
    return HTTP_FORBIDDEN;
  }
  const { status, request: sub } = await req.lookupAccess(original);
  if (status === OK) {
    if (sub.user) {
      req.headersOut.set("Remote-User", sub.user);
      const groups = await groupsOf(req, sub);
      if (groups?.length) req.headersOut.set("Remote-Groups", groups.join(","));
    }
    req.contentType = "text/plain";
    req.headersOut.set("Cache-Control", "no-store");
    return OK;
  }
  // Apache answers an authenticated user whom the Require rules refuse with 401; a front server
  // would then ask for other credentials forever: a provider authenticated them, so 403.
  if (status === HTTP_UNAUTHORIZED && sub.user && sub.notes.has(AUTHN_PROVIDER_NOTE)) return HTTP_FORBIDDEN;
  if (status === HTTP_UNAUTHORIZED) {
    const challenge = sub.errHeadersOut.get("www-authenticate") ?? basicChallenge(sub);
    if (challenge) req.errHeadersOut.set("WWW-Authenticate", challenge);
    return HTTP_UNAUTHORIZED;
  }
  const location = sub.errHeadersOut.get("location") ?? sub.headersOut.get("location");
  if (status >= 300 && status < 400 && location) {
    // AuthType Form's login page: a front server that copies the response redirects there.
    req.errHeadersOut.set("Location", location);
    return HTTP_UNAUTHORIZED;
  }
  if (status !== HTTP_FORBIDDEN) req.logError(`forward-auth: ${original.method} ${original.uri} answered ${status}; refused with 403`, status >= 500 ? APLOG_ERR : APLOG_INFO);
  return HTTP_FORBIDDEN;
}

function basicChallenge(sub: Request): string | undefined {
  const type = sub.authType();
  if (type && type.toLowerCase() !== "basic") return undefined;
  return `Basic realm="${(sub.authName() ?? "tsmod").replace(/["\\]/g, "\\$&")}"`;
}

/** The groups of the provider that authenticated the user, when it knows groups. */
async function groupsOf(req: Request, sub: Request): Promise<readonly string[] | undefined> {
  const name = sub.notes.get(AUTHN_PROVIDER_NOTE);
  const provider = name ? moduleState<ReadonlyMap<string, AuthProvider>>(req, forwardAuthModule).get(name) : undefined;
  return provider?.groups?.(sub, sub.user!);
}

export const forwardAuthModule = defineModule({
  name: "forward_auth",
  handlers: { [FORWARD_AUTH_HANDLER]: forwardAuth },
  start: (ctx) => ctx.providers<AuthProvider>("auth"),
});
