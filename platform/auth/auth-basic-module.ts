import { APLOG_ERR, DECLINED, HTTP_UNAUTHORIZED, OK } from "../constants";
import { closest, type DirectiveSpec } from "../config";
import { andThen, type MaybePromise } from "../maybe-promise";
import { HOOK_LAST, AUTHN_PROVIDER_NOTE, defineModule, moduleState, type AuthProvider, type CheckContext } from "../module";
import { parseBasicAuth, type Request } from "../request";
import { AuthUserFile } from "./authn-file/authn-file-module";

/** `AuthBasicProvider` as written: provider names in order, and where (for the load-time check). */
export interface ProviderList {
  readonly names: readonly string[];
  readonly file: string;
  readonly line: number;
}

export const AuthBasicProvider: DirectiveSpec<ProviderList> = {
  name: "AuthBasicProvider",
  context: "both",
  args: [1, Infinity],
  parse: (names, where) => ({ names, file: where.file, line: where.line }),
};

export interface AuthBasicConfig {
  /** The providers to ask, in order; empty: Basic auth is not tsmod's to answer here. */
  readonly providers: readonly string[];
}

/** What an `AuthType Basic` place asks: its `AuthBasicProvider` list, or `file` where `AuthUserFile` is set. */
function basicConfig(authType: string | undefined, list: ProviderList | undefined, userFile: unknown): AuthBasicConfig {
  if (authType?.toLowerCase() !== "basic") return { providers: [] };
  return { providers: list?.names ?? (userFile ? ["file"] : []) };
}

function checkProviders(ctx: CheckContext): void {
  const known = ctx.providers<AuthProvider>("auth");
  const seen = new Set<ProviderList>();
  for (const server of [ctx.config.main, ...ctx.config.vhosts]) {
    for (const values of [server.ownValues, ...server.sections.map((s) => s.values)]) {
      const list = values.get(AuthBasicProvider);
      if (!list || seen.has(list)) continue;
      seen.add(list);
      for (const name of list.names) {
        if (known.has(name)) continue;
        const guess = closest(name, known.keys());
        ctx.report(list.file, list.line, `AuthBasicProvider: no authentication provider '${name}'${guess ? ` (did you mean '${guess}'?)` : ""} (have: ${[...known.keys()].join(", ") || "none"})`);
      }
    }
  }
}

/** The 401 that asks the browser for credentials again (Apache's note_basic_auth_failure). */
function unauthorized(req: Request, why: string): number {
  req.logError(`${why}: ${req.uri}`, APLOG_ERR);
  return HTTP_UNAUTHORIZED;
}

/** Asks the providers from `index` on; the first that knows the user decides. */
function askProviders(req: Request, config: AuthBasicConfig, user: string, password: string, index: number): MaybePromise<number> {
  if (index >= config.providers.length) return unauthorized(req, `user ${user} not found (${config.providers.join(", ")})`);
  const name = config.providers[index];
  const providers = moduleState<ReadonlyMap<string, AuthProvider>>(req, authBasicModule);
  return andThen(providers.get(name)!.checkPassword(req, user, password), (result) => {
    if (result === "unknown") return askProviders(req, config, user, password, index + 1);
    if (result === "denied") return unauthorized(req, `user ${user}: authentication failure (${name})`);
    req.user = user;
    req.apAuthType = "Basic";
    req.notes.set(AUTHN_PROVIDER_NOTE, name);
    return OK;
  });
}

function authenticate(req: Request, config: AuthBasicConfig): MaybePromise<number> {
  const credentials = parseBasicAuth(req.headersIn.get("authorization"));
  if (!credentials) return HTTP_UNAUTHORIZED;
  return askProviders(req, config, credentials.user, credentials.password, 0);
}

/**
 * Apache's mod_auth_basic: where `AuthType Basic` applies and a provider is configured
 * (`AuthBasicProvider`, or `AuthUserFile` for the default `file`), it reads `Authorization: Basic`
 * and asks the providers in order; the first that knows the user decides. It runs after the
 * TsAuthenHandler stack (HOOK_LAST): a TsAuthenHandler that answers OK or an error decides, one
 * that DECLINES leaves the request to the providers.
 */
export const authBasicModule = defineModule<AuthBasicConfig>({
  name: "auth_basic",
  directives: [AuthBasicProvider],
  dirConfig: (values, core) => basicConfig(core.authType, values.get(AuthBasicProvider), values.get(AuthUserFile)),
  hooks: {
    authn: { order: HOOK_LAST, when: (c) => c.providers.length > 0, run: (req, config) => (config.providers.length ? authenticate(req, config) : DECLINED) },
  },
  check: checkProviders,
  start: (ctx) => ctx.providers<AuthProvider>("auth"),
});
