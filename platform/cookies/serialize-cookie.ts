import { serialize } from "cookie";

import { ErrorCode, TsmodError } from "../errors";

export interface CookieOptions {
  /** Seconds until the cookie expires; 0 or less deletes it. Rendered as `Max-Age`. */
  maxAge?: number;
  expires?: Date;
  path?: string;
  domain?: string;
  secure?: boolean;
  httpOnly?: boolean;
  sameSite?: "Strict" | "Lax" | "None";
  /** CHIPS: a cookie keyed to the top-level site; browsers require `secure` with it. */
  partitioned?: boolean;
}

/** Browsers ignore a cookie whose name and value together exceed this (RFC 6265 §6.1). */
const MAX_COOKIE_BYTES = 4096;

/**
 * One Set-Cookie header value. The value is written as given, never encoded, so what
 * `parseCookies` read can be sent back byte for byte; encode it yourself (e.g. with
 * `encodeURIComponent`) if it may contain characters a cookie cannot carry.
 *
 * Throws a `TsmodError` (`COOKIE_INVALID`) rather than emit a header a browser would reject
 * or misread: an invalid name, value, domain, path or date; `SameSite=None` or `Partitioned`
 * without `Secure`; a `__Secure-`/`__Host-` name without what its prefix requires
 * (RFC 6265bis §4.1.3); or a cookie over 4096 bytes.
 *
 * @example serializeCookie("sid", "abc", { maxAge: 3600, path: "/", httpOnly: true, sameSite: "Lax" })
 * // "sid=abc; Max-Age=3600; Path=/; HttpOnly; SameSite=Lax"
 */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  const invalid = (reason: string): TsmodError =>
    new TsmodError(ErrorCode.COOKIE_INVALID, `cannot set cookie ${JSON.stringify(name)}: ${reason}`);
  const secure = options.secure === true;
  if ((options.sameSite === "None" || options.partitioned) && !secure) {
    throw invalid(`${options.partitioned ? "Partitioned" : "SameSite=None"} requires secure`);
  }
  if (name.startsWith("__Secure-") && !secure) throw invalid("a __Secure- cookie requires secure");
  if (name.startsWith("__Host-") && (!secure || options.path !== "/" || options.domain !== undefined)) {
    throw invalid('a __Host- cookie requires secure, path "/" and no domain');
  }
  if (Buffer.byteLength(name) + Buffer.byteLength(value) > MAX_COOKIE_BYTES) {
    throw invalid(`name and value exceed ${MAX_COOKIE_BYTES} bytes`);
  }
  try {
    return serialize(name, value, {
      ...options,
      sameSite: options.sameSite?.toLowerCase() as "strict" | "lax" | "none" | undefined,
      encode: (v) => v,
    });
  } catch (err) {
    throw invalid((err as Error).message);
  }
}
