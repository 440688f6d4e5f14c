import { APLOG_ERR, DECLINED, HTTP_FORBIDDEN, HTTP_INTERNAL_SERVER_ERROR, HTTP_UNAUTHORIZED, OK } from "../constants";
import { isHtFile, type RequireNode } from "../core";
import { andThen, type MaybePromise } from "../maybe-promise";
import { AUTHN_PROVIDER_NOTE, HOOK_LAST, defineModule, moduleState, type AuthProvider, type Plan } from "../module";
import { runHooks } from "../phases";
import type { Request } from "../request";
import { AUTHZ_DIRECTIVES, AuthzSendForbiddenOnFailure } from "./authz-directives";
import { evaluate, namesGroups, type AuthzFacts } from "./authz-evaluate";
import { groupFileGroups } from "./authn-file/authn-file-module";

/** A plan's authorization: the rules in effect as one tree (Apache's implicit `<RequireAny>`). */
export interface AuthzConfig {
  readonly root: RequireNode | null;
  readonly authType: string | undefined;
  /** Some requirement names groups: the user's groups are looked up after authentication. */
  readonly needsGroups: boolean;
  readonly forbiddenOnFail: boolean;
}

function factsOf(req: Request, user: string | null, groups: ReadonlySet<string> | null): AuthzFacts {
  return { method: req.method, remoteIp: req.connection.remoteIp, user, groups, hasEnv: (name) => req.subprocessEnv.has(name) };
}

/**
 * The groups of the authenticated user: from the provider that authenticated them
 * (`AUTHN_PROVIDER_NOTE`), else from `AuthGroupFile` (as mod_authz_groupfile, whoever
 * authenticated: a TsAuthenHandler too).
 */
async function groupsOf(req: Request, user: string): Promise<ReadonlySet<string>> {
  const name = req.notes.get(AUTHN_PROVIDER_NOTE);
  const provider = name ? moduleState<ReadonlyMap<string, AuthProvider>>(req, authModule).get(name) : undefined;
  const groups = (await provider?.groups?.(req, user)) ?? groupFileGroups(req, user) ?? [];
  return new Set(groups);
}

/** After authentication: the rules with the user known (Apache's auth_checker, last). */
function authorizeUser(req: Request, config: AuthzConfig, groups: ReadonlySet<string> | null): number {
  const user = req.user!;
  const result = evaluate(config.root!, factsOf(req, user, groups), true);
  if (result === "granted") return OK;
  if (result === "denied-no-user") {
    req.logError(`authorization failure (no authenticated user): ${req.uri}`, APLOG_ERR);
    return HTTP_UNAUTHORIZED;
  }
  req.logError(`user ${user}: authorization failure for "${req.uri}"`, APLOG_ERR);
  return !config.authType || config.forbiddenOnFail ? HTTP_FORBIDDEN : HTTP_UNAUTHORIZED;
}

/** A user is needed: the authentication hooks, then the authorization hooks, then the rules. */
function authenticate(req: Request, config: AuthzConfig): MaybePromise<number> {
  const plan = req._state.plan as Plan;
  if (plan.hooks("authn").length === 0 && !req._state.added?.size) {
    req.logError(`${req.uri}: Require needs an authenticated user, but nothing authenticates here (AuthType Basic with AuthUserFile or AuthBasicProvider, or a TsAuthenHandler)`, APLOG_ERR);
    return HTTP_INTERNAL_SERVER_ERROR;
  }
  return andThen(runHooks(req, "authn"), (authen) => {
    if (authen === DECLINED) return HTTP_UNAUTHORIZED;
    if (authen !== OK) return authen;
    if (!req.user) {
      req.logError(`${req.uri}: authentication returned OK but did not set req.user`, APLOG_ERR);
      return HTTP_INTERNAL_SERVER_ERROR;
    }
    return andThen(runHooks(req, "authz"), (authz) => {
      if (authz !== DECLINED) return authz;
      return config.needsGroups ? groupsOf(req, req.user!).then((groups) => authorizeUser(req, config, groups)) : authorizeUser(req, config, null);
    });
  });
}

/**
 * Apache 2.4's mod_authz_core (with mod_authz_host, mod_authz_user, mod_authz_groupfile's
 * requirement): last in the access phase the rules are evaluated without a user; where a user
 * could change the answer, the authentication hooks run (`check_user_id`), then the authorization
 * hooks (`auth_checker`: a TsAuthzHandler decides first), then the rules again with the user.
 */
export const authModule = defineModule<AuthzConfig>({
  name: "authz_core",
  directives: AUTHZ_DIRECTIVES,
  dirConfig(values, core) {
    const nodes = core.requires?.nodes ?? [];
    const root: RequireNode | null = nodes.length ? { type: "any", negate: false, children: nodes, label: "<RequireAny>" } : null;
    return { root, authType: core.authType || undefined, needsGroups: root !== null && namesGroups(root), forbiddenOnFail: values.get(AuthzSendForbiddenOnFailure) === true };
  },
  hooks: {
    access: {
      order: HOOK_LAST,
      run(req, config) {
        // Apache's stock `<Files ".ht*"> Require all denied`, whatever handler the URL maps to.
        if (isHtFile(req.filename)) return HTTP_FORBIDDEN;
        if (!config.root) {
          if (!config.authType) return OK;
          req.logError(`${req.uri}: AuthType configured with no corresponding authorization directives (Require)`, APLOG_ERR);
          return HTTP_INTERNAL_SERVER_ERROR;
        }
        const result = evaluate(config.root, factsOf(req, null, null), true);
        if (result === "granted") return OK;
        if (result === "denied-no-user") return authenticate(req, config);
        req.logError(`client denied by server configuration: ${req.filename ?? "uri " + req.uri}`, APLOG_ERR);
        return HTTP_FORBIDDEN;
      },
    },
  },
  start: (ctx) => ctx.providers<AuthProvider>("auth"),
});
