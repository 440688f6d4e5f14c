/**
 * Splits Cookie headers into pairs. RFC 6265 §4.2.1 sends
 *
 *   cookie-string = cookie-pair *( ";" SP cookie-pair )
 *   cookie-pair   = cookie-name "=" cookie-value
 *
 * but proxies and old clients do not: Apache joins repeated Cookie headers with ", " (mod_python
 * test G1), Node with "; ". A comma therefore also separates pairs, but only when a `name=`
 * follows it, so that values containing commas survive.
 */
const PAIR_SEPARATOR = /;|,(?=\s*[^\s;,=]+=)/;

/**
 * The cookies a request sent, name → value, from one or several Cookie header values. Lenient
 * like browsers and mod_python: pairs without "=" or without a name are skipped, a value in
 * double quotes loses them, `$Version`-style RFC 2965 attributes are ignored, and the first
 * occurrence of a name wins (RFC 6265 §5.4 sends the most specific cookie first). Values are
 * returned as sent, never percent-decoded: they are opaque. Never throws.
 *
 * The result has no prototype, so a cookie named `__proto__` or `constructor` is just a key.
 *
 * @example parseCookies(["spam=foo; path=blah;;eggs=bar;", "bar=foo"])
 * // { spam: "foo", path: "blah", eggs: "bar", bar: "foo" }
 */
export function parseCookies(headerValues: string | readonly string[] | undefined): Record<string, string> {
  const cookies: Record<string, string> = Object.create(null);
  const headers = typeof headerValues === "string" ? [headerValues] : (headerValues ?? []);
  for (const header of headers) {
    if (typeof header !== "string") continue;
    for (const pair of header.split(PAIR_SEPARATOR)) {
      const eq = pair.indexOf("=");
      if (eq < 0) continue;
      const name = pair.slice(0, eq).trim();
      if (!name || name.startsWith("$") || name in cookies) continue;
      cookies[name] = unquote(pair.slice(eq + 1).trim());
    }
  }
  return cookies;
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}
