/**
 * Whether `httpd_location` is a path on this server: `/...`, but not `//host` or `/\host`
 * (browsers read both as another host) and no control characters. Anything else would make the
 * login form an open redirect.
 */
export function isLocalLocation(location: string): boolean {
  return /^\/(?![/\\])/.test(location) && !/[\x00-\x1f\x7f\\]/.test(location);
}

/** The login page's URL for a visitor who wanted `requestUri` (mod_auth_form's `%{REQUEST_URI}`). */
export function loginUrl(template: string, requestUri: string): string {
  const encoded = encodeURIComponent(requestUri);
  if (template.includes("%{REQUEST_URI}")) return template.split("%{REQUEST_URI}").join(encoded);
  return `${template}${template.includes("?") ? "&" : "?"}httpd_location=${encoded}`;
}
