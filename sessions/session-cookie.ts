/** Browsers guarantee at least this many bytes per cookie (RFC 6265 §6.1), attributes included. */
export const MAX_COOKIE_BYTES = 4096;

export interface SessionCookieAttributes {
  path: string;
  domain: string | undefined;
  secure: boolean;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// RFC 6265 cookie-octet: no controls, whitespace, DQUOTE, comma, semicolon or backslash.
const COOKIE_VALUE = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/;
// Path and Domain end at the next ';', so they must not contain one (or controls).
const ATTRIBUTE_VALUE = /^[\x20-\x3A\x3C-\x7E]+$/;

export function isCookieName(name: string): boolean {
  return TOKEN.test(name);
}

export function isCookieAttributeValue(value: string): boolean {
  return ATTRIBUTE_VALUE.test(value);
}

/**
 * One Set-Cookie value for the session cookie. HttpOnly and SameSite=Lax are always set:
 * scripts never need the session id, and Lax blocks cross-site POSTs riding on it.
 * No Max-Age: the cookie lives for the browser session, expiry is enforced by the server.
 * A local helper so sessions do not wait for the platform's cookie module; it only ever
 * serialises values this library produced.
 */
export function serializeSessionCookie(name: string, value: string, attributes: SessionCookieAttributes): string {
  if (!COOKIE_VALUE.test(value)) throw new Error(`invalid session cookie value for ${name}`);
  let header = `${name}=${value}; Path=${attributes.path}`;
  if (attributes.domain !== undefined) header += `; Domain=${attributes.domain}`;
  header += "; HttpOnly; SameSite=Lax";
  if (attributes.secure) header += "; Secure";
  return header;
}

/** The Set-Cookie value that makes the browser drop the session cookie. */
export function serializeExpiredSessionCookie(name: string, attributes: SessionCookieAttributes): string {
  return `${serializeSessionCookie(name, "", attributes)}; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT`;
}
