import {
  APLOG_ERR,
  APLOG_INFO,
  AUTHN_PROVIDER_NOTE,
  HTTP_BAD_REQUEST,
  HTTP_FORBIDDEN,
  HTTP_INTERNAL_SERVER_ERROR,
  HTTP_METHOD_NOT_ALLOWED,
  HTTP_MOVED_TEMPORARILY,
  HTTP_UNAUTHORIZED,
  OK,
  defineModule,
  moduleState,
  type AuthProvider,
  type Request,
} from "../../platform";
import { AuthFormLoginRequiredLocation, AuthFormLogoutLocation, AuthFormProvider } from "./directives";
import { formAuthConfig, type FormAuthConfig } from "./form-auth-config";
import { isLocalLocation, loginUrl } from "./local-location";

/** Session keys: the logged-in user (a TsAuthenHandler may read it too) and the provider that checked them. */
export const SESSION_USER = "user";
export const SESSION_PROVIDER = "auth_provider";

type Providers = ReadonlyMap<string, AuthProvider>;

/** `AuthType Form`: the user is the tsmod session's; an anonymous visitor goes to the login page. */
async function authenticate(req: Request, config: FormAuthConfig): Promise<number> {
  const session = await req.getSession();
  const user = session.get(SESSION_USER);
  if (typeof user === "string" && user !== "") {
    req.user = user;
    req.apAuthType = "Form";
    const provider = session.get(SESSION_PROVIDER);
    if (typeof provider === "string") req.notes.set(AUTHN_PROVIDER_NOTE, provider);
    return OK;
  }
  if (!config.loginRequired) return HTTP_UNAUTHORIZED;
  req.errHeadersOut.set("Location", loginUrl(config.loginRequired, req.unparsedUri));
  return HTTP_MOVED_TEMPORARILY;
}

/**
 * A login POST from another site's page (login CSRF) is refused: the browser's Origin (or, when
 * it sends none, Referer) must be this server. Clients that send neither are not browsers.
 */
function sameOrigin(req: Request): boolean {
  const origin = req.headersIn.get("origin") ?? req.headersIn.get("referer");
  if (origin === undefined) return true;
  try {
    return new URL(origin).origin === new URL(req.constructUrl("/")).origin;
  } catch {
    return false;
  }
}

/** `SetHandler form-login-handler`: checks `httpd_username`/`httpd_password`, starts a fresh session. */
async function login(req: Request, config: FormAuthConfig): Promise<number> {
  if (req.method !== "POST") {
    req.allowedMethods.push("POST");
    return HTTP_METHOD_NOT_ALLOWED;
  }
  if (!sameOrigin(req)) {
    req.notes.set("error-notes", "The login form was posted from another site.");
    req.logError(`form-login-handler: refused a login posted from ${req.headersIn.get("origin") ?? req.headersIn.get("referer")}`, APLOG_INFO);
    return HTTP_FORBIDDEN;
  }
  const form = await req.form();
  const text = (field: string): string | undefined => {
    const value = form.getfirst(field);
    return typeof value === "string" ? value : undefined;
  };
  const name = text("httpd_username") ?? "";
  const password = text("httpd_password") ?? "";
  const location = text("httpd_location");
  if (location !== undefined && location !== "" && !isLocalLocation(location)) {
    req.notes.set("error-notes", "httpd_location must be a path on this server.");
    return HTTP_BAD_REQUEST;
  }
  if (!name || !password) return HTTP_UNAUTHORIZED;
  const providers = moduleState<Providers>(req, formAuthModule);
  let by: string | undefined;
  for (const providerName of config.providers) {
    const provider = providers.get(providerName);
    if (!provider) {
      req.logError(`AuthFormProvider ${providerName}: no such authentication provider is loaded (have: ${[...providers.keys()].join(", ")})`, APLOG_ERR);
      return HTTP_INTERNAL_SERVER_ERROR;
    }
    const result = await provider.checkPassword(req, name, password);
    if (result === "granted") by = providerName;
    if (result !== "unknown") break;
  }
  if (!by) {
    req.logError(`user ${name}: authentication failure for "${req.uri}" (login form)`, APLOG_INFO);
    return HTTP_UNAUTHORIZED;
  }
  const session = await req.getSession();
  // A new id at log-in: an id planted in the browser before (session fixation) stays anonymous.
  await session.regenerate();
  session.set(SESSION_USER, name);
  session.set(SESSION_PROVIDER, by);
  await session.save();
  if (location) {
    req.headersOut.set("Location", location);
    return HTTP_MOVED_TEMPORARILY;
  }
  req.contentType = "text/plain; charset=utf-8";
  req.write(`logged in as ${name}\n`);
  return OK;
}

/** `SetHandler form-logout-handler`: ends the session, then `AuthFormLogoutLocation` if set. */
async function logout(req: Request, config: FormAuthConfig): Promise<number> {
  const session = await req.getSession();
  await session.invalidate();
  req.headersOut.set("Cache-Control", "no-store");
  if (config.logoutLocation) {
    req.headersOut.set("Location", config.logoutLocation);
    return HTTP_MOVED_TEMPORARILY;
  }
  req.contentType = "text/plain; charset=utf-8";
  req.write("logged out\n");
  return OK;
}

/** Apache's mod_auth_form on tsmod sessions (DESIGN.md §8). */
export const formAuthModule = defineModule<FormAuthConfig>({
  name: "auth_form",
  directives: [AuthFormProvider, AuthFormLoginRequiredLocation, AuthFormLogoutLocation],
  dirConfig: formAuthConfig,
  hooks: { authn: { run: authenticate, when: (c) => c.active } },
  handlers: { "form-login-handler": login, "form-logout-handler": logout },
  start: (ctx) => ctx.providers<AuthProvider>("auth"),
});
