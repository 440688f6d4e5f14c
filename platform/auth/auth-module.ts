import { APLOG_ERR, DECLINED, HTTP_FORBIDDEN, HTTP_INTERNAL_SERVER_ERROR, HTTP_UNAUTHORIZED, OK } from "../constants";
import { isHtFile } from "../core";
import { andThen, type MaybePromise } from "../maybe-promise";
import { HOOK_LAST, defineModule, type Plan } from "../module";
import { runHooks } from "../phases";
import type { Request } from "../request";
import { checkHostAccess, requireRules, userSatisfies, type RequireRules } from "./require-check";

/**
 * Apache's access control by `Require` (mod_authz_core with mod_authz_host): last in the access
 * phase, host-based lines decide; where a line needs a user, the authentication hooks run
 * (`check_user_id`), then the authorization hooks (`auth_checker`), then the user lines.
 */
export const authModule = defineModule<RequireRules>({
  name: "authz_core",
  dirConfig: (_values, core) => requireRules(core.requires),
  hooks: {
    access: {
      order: HOOK_LAST,
      run(req, rules) {
        // Apache's stock `<Files ".ht*"> Require all denied`, whatever handler the URL maps to.
        if (isHtFile(req.filename)) return HTTP_FORBIDDEN;
        const verdict = checkHostAccess(rules, req.connection.remoteIp);
        if (verdict === "granted") return OK;
        if (verdict === "denied") return HTTP_FORBIDDEN;
        return authenticate(req, rules);
      },
    },
  },
});

function authenticate(req: Request, rules: RequireRules): MaybePromise<number> {
  const plan = req._state.plan as Plan;
  if (plan.hooks("authn").length === 0 && !req._state.added?.size) {
    req.logError(`${req.uri}: Require needs an authenticated user, but no TsAuthenHandler is configured here`, APLOG_ERR);
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
      if (authz === OK) return OK;
      if (authz !== DECLINED) return authz;
      if (userSatisfies(rules, req.user!)) return OK;
      req.logError(`user ${req.user}: authorization failure for "${req.uri}"`, APLOG_ERR);
      return HTTP_UNAUTHORIZED;
    });
  });
}
