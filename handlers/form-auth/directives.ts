import { directive } from "../../platform";

/** `AuthFormProvider NAME...`: the `auth` providers the login form's credentials are checked against, in order. */
export const AuthFormProvider = directive<readonly string[]>({
  name: "AuthFormProvider",
  context: "dir",
  args: [1, 16],
  parse: (args) => args,
});

/** A local path or an absolute http(s) URL; `%{REQUEST_URI}` is replaced per request. */
function location(name: string) {
  return directive<string>({
    name,
    context: "dir",
    args: 1,
    parse([url]) {
      if (!url.startsWith("/") && !/^https?:\/\//i.test(url)) throw new Error(`'${url}' is neither a local path (/...) nor an http(s) URL`);
      return url;
    },
  });
}

/** Where an anonymous visitor is sent (302); without `%{REQUEST_URI}`, `?httpd_location=URL` is added. */
export const AuthFormLoginRequiredLocation = location("AuthFormLoginRequiredLocation");
/** Where `form-logout-handler` sends the browser after logging out. */
export const AuthFormLogoutLocation = location("AuthFormLogoutLocation");
