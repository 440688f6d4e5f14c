import { ironSeal, ironUnseal, TIMESTAMP_SKEW_MS } from "./iron";
import { decodeValue, encodeValue } from "./sealed-encoding";
import { type Secret, secretId, secretList } from "./secrets";

export interface SealOptions {
  /**
   * Sealing: seconds the seal stays valid, 0 for no expiry; default 14 days. Unsealing: an
   * expired seal is always refused; with a `ttl` (not 0), so is one that would stay valid
   * longer than that from now, or forever, e.g. one made under an older, longer setting.
   */
  ttl?: number;
}

const DEFAULT_TTL = 14 * 24 * 3600;
/** Bumped if the payload layout changes, so old seals are refused rather than misread. */
const FORMAT = 1;

/**
 * Encrypts and authenticates `data` with iron (AES-256-CBC + HMAC-SHA256) for a cookie value.
 * Strings, numbers, booleans, null, arrays, plain objects and Dates round-trip exactly.
 *
 * @example const value = await sealCookieValue({ user: "ann", since: new Date() }, secret, { ttl: 3600 });
 */
export async function sealCookieValue(data: unknown, secret: Secret, options: SealOptions = {}): Promise<string> {
  const [current] = secretList(secret);
  const payload = { v: FORMAT, d: encodeValue(data) };
  return ironSeal(payload, { id: secretId(current), secret: current }, (options.ttl ?? DEFAULT_TTL) * 1000);
}

/**
 * The data inside a seal, or `undefined` if it was tampered with, has expired, was sealed with
 * none of `secret`'s keys, or is not a seal at all.
 */
export async function unsealCookieValue(sealed: string, secret: Secret, options: SealOptions = {}): Promise<unknown> {
  const passwords = new Map(secretList(secret).map((s) => [secretId(s), s]));
  if (options.ttl && !expiresWithin(sealed, options.ttl * 1000)) return undefined;
  try {
    const payload = ironUnseal(sealed, (id) => passwords.get(id)) as { v?: unknown; d?: unknown } | null;
    return payload?.v === FORMAT ? decodeValue(payload.d) : undefined;
  } catch {
    return undefined;
  }
}

/** The seal's authenticated expiry (field 6 of iron's 8) is no later than `ttl` ms from now. */
function expiresWithin(sealed: string, ttl: number): boolean {
  const expiration = Number(sealed.split("*")[5] || Number.POSITIVE_INFINITY);
  return expiration <= Date.now() + ttl + TIMESTAMP_SKEW_MS;
}
