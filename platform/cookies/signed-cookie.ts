import { createHmac, timingSafeEqual } from "node:crypto";

import { ErrorCode, TsmodError } from "../errors";
import { type Secret, secretList } from "./secrets";

/** Keeps these MACs apart from anything else computed with the same secret (e.g. session ids). */
const CONTEXT = "tsmod signed cookie v1\n";
/** base64url of a SHA-256 MAC, without padding. */
const SIGNATURE_LENGTH = 43;

/**
 * `value` with an HMAC-SHA256 signature appended (`value.signature`, base64url). The MAC covers
 * the cookie's name as well, so a signed value cannot be replayed under another name.
 * Signs with the first of `secret`'s keys.
 */
export function signCookie(name: string, value: string, secret: Secret): string {
  return `${value}.${mac(name, value, secretList(secret)[0])}`;
}

/**
 * The value inside a signed cookie, or `undefined` when the signature does not match under any
 * of `secret`'s keys: tampered, truncated, signed for another name, or not signed at all.
 * There is no fallback to the unsigned text (mod_python's `SignedCookie` downgraded).
 * Signatures are compared in constant time.
 */
export function verifySignedCookie(name: string, signedValue: string, secret: Secret): string | undefined {
  const secrets = secretList(secret);
  const dot = signedValue.lastIndexOf(".");
  if (dot < 0) return undefined;
  const value = signedValue.slice(0, dot);
  const given = Buffer.from(signedValue.slice(dot + 1));
  if (given.length !== SIGNATURE_LENGTH) return undefined;
  // The base64url text is compared, not its decoded bytes: Node's decoder ignores stray
  // characters and the last character's spare bits, so different texts can decode alike.
  const matches = secrets.map((s) => timingSafeEqual(given, Buffer.from(mac(name, value, s))));
  return matches.includes(true) ? value : undefined;
}

function mac(name: string, value: string, key: string): string {
  if (name.length === 0 || name.includes("=")) {
    throw new TsmodError(ErrorCode.COOKIE_INVALID, `invalid cookie name ${JSON.stringify(name)}`);
  }
  return createHmac("sha256", key).update(`${CONTEXT}${name}=${value}`).digest("base64url");
}
