import { timingSafeEqual } from "node:crypto";
import { ErrorCode, HTTP_FORBIDDEN, HTTP_UNAUTHORIZED, ServerReturn, TsmodError, parseBasicAuth, type Request, type MaybePromise } from "../platform";
import { builtinTag, isPlainObject, lookupMember } from "./value-kinds";

/** mod_python's default realm for the publisher's own challenge. */
const DEFAULT_REALM = "unknown";

/** What the auth hooks have established so far along one URL's path. */
export interface AuthState {
  realm: string;
  /** undefined until a hook needs them; null when the request has none (or not Basic). */
  credentials: { user: string; password: string } | null | undefined;
}

export function newAuthState(): AuthState {
  return { realm: DEFAULT_REALM, credentials: undefined };
}

/**
 * A hook (`__auth__`, `__access__`, `__auth_realm__`, `__methods__`) on a module, object or
 * function: an own property, or a class method. A module's hooks may be re-exported from
 * another module (they are read, never published).
 */
export function hookOf(holder: unknown, name: string, isModule = false): unknown {
  if (isModule) return Object.hasOwn(holder as object, name) ? (holder as Record<string, unknown>)[name] : undefined;
  if ((typeof holder !== "object" && typeof holder !== "function") || holder === null) return undefined;
  const m = lookupMember(holder, name);
  return m?.kind === "data" ? m.value : undefined;
}

/**
 * mod_python's `process_auth` for one step of the path: `__auth_realm__` names the realm of
 * this and deeper steps; `__auth__` is a function `(req, user, password)`, a user → password
 * map (object or Map) or a constant; `__access__` a function `(req, user)`, a list (or Set) of
 * users or a constant. Failing `__auth__` answers 401 with a Basic challenge, failing
 * `__access__` 403, a malformed Basic header 400. A hook that passes sets `req.user`.
 */
export function checkAuth(req: Request, holder: unknown, isModule: boolean, state: AuthState): MaybePromise<void> {
  const realm = hookOf(holder, "__auth_realm__", isModule);
  if (realm !== undefined) state.realm = String(realm);
  const auth = hookOf(holder, "__auth__", isModule);
  const access = hookOf(holder, "__access__", isModule);
  // Most steps have no hooks: nothing to wait for then.
  if (auth === undefined && access === undefined) return undefined;
  return runHooks(req, holder, isModule, state, auth, access);
}

async function runHooks(req: Request, holder: unknown, isModule: boolean, state: AuthState, auth: unknown, access: unknown): Promise<void> {
  if (state.credentials === undefined) state.credentials = credentialsOf(req);
  const self = isModule ? undefined : holder;
  if (auth !== undefined) {
    const c = state.credentials;
    if (!c) challenge(req, state.realm);
    const ok =
      typeof auth === "function"
        ? await (auth as (...a: unknown[]) => unknown).call(self, req, c.user, c.password)
        : builtinTag(auth) === "Map" || (typeof auth === "object" && auth !== null && isPlainObject(auth))
          ? passwordMatches(auth as Map<string, unknown> | Record<string, unknown>, c.user, c.password)
          : Boolean(auth);
    if (!ok) challenge(req, state.realm);
    req.user = c.user;
    req.apAuthType = "Basic";
  }
  if (access !== undefined) {
    const user = state.credentials?.user ?? null;
    const ok =
      typeof access === "function"
        ? await (access as (...a: unknown[]) => unknown).call(self, req, user)
        : Array.isArray(access) || builtinTag(access) === "Set"
          ? user !== null && (Array.isArray(access) ? access.includes(user) : (access as Set<unknown>).has(user))
          : Boolean(access);
    if (!ok) throw new ServerReturn(HTTP_FORBIDDEN);
  }
}

function credentialsOf(req: Request): { user: string; password: string } | null {
  const header = req.headersIn.get("authorization");
  // Other schemes (Digest, Bearer) are not ours to judge: as if there were no credentials.
  if (!header || !/^\s*basic\b/i.test(header)) return null;
  const creds = parseBasicAuth(header);
  if (!creds) throw new TsmodError(ErrorCode.PUBLISHER_BAD_AUTHORIZATION, "malformed Basic Authorization header", 400);
  return creds;
}

function challenge(req: Request, realm: string): never {
  req.errHeadersOut.set("WWW-Authenticate", `Basic realm="${realm.replace(/["\\]/g, "\\$&")}"`);
  throw new ServerReturn(HTTP_UNAUTHORIZED);
}

function passwordMatches(map: Map<string, unknown> | Record<string, unknown>, user: string, password: string): boolean {
  const expected = builtinTag(map) === "Map" ? (map as Map<string, unknown>).get(user) : Object.hasOwn(map, user) ? (map as Record<string, unknown>)[user] : undefined;
  if (typeof expected !== "string") return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(password);
  return a.length === b.length && timingSafeEqual(a, b);
}
