import { createCipheriv, createDecipheriv, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * iron's Fe26.2 seals (AES-256-CBC + HMAC-SHA256, keys from PBKDF2-SHA1 with 1 iteration),
 * made and opened with node:crypto's synchronous primitives. iron-webcrypto spends ~16
 * promise jobs and thread hops per seal and unseal on WebCrypto calls whose work is a few
 * microseconds; here a seal is a handful of direct calls.
 *
 * iron draws fresh salts per seal, so that every seal has its own keys. This module draws one
 * pair of salts per password and process and derives their keys once: the salts travel in each
 * seal as iron's do, so iron opens these seals and this opens iron's; the IV stays random per
 * seal, which is what AES-CBC's confidentiality rests on. Keys for salts met while unsealing
 * are kept (bounded) once a seal has proved them authentic.
 */

/** A password and the name it is recorded under in the seal (iron's `password.id`). */
export interface IronPassword {
  readonly id: string;
  readonly secret: string;
}

const PREFIX = "Fe26.2";
const SALT_BYTES = 32;
const IV_BYTES = 16;
const KEY_BYTES = 32;
/** iron's default: a seal expired this little ago still opens, for clocks that differ. */
export const TIMESTAMP_SKEW_MS = 60_000;
/** Enough for every worker's salts of a few rotated secrets; an attacker cannot fill it (see `verifiedKey`). */
const MAX_CACHED_KEYS = 256;

interface SealingKeys {
  readonly encryptionSalt: string;
  readonly encryptionKey: Buffer;
  readonly integritySalt: string;
  readonly integrityKey: Buffer;
}

const sealingKeys = new Map<string, SealingKeys>();
const openedKeys = new Map<string, Buffer>();

function deriveKey(secret: string, salt: string): Buffer {
  return pbkdf2Sync(secret, salt, 1, KEY_BYTES, "sha1");
}

function keysFor(secret: string): SealingKeys {
  let keys = sealingKeys.get(secret);
  if (!keys) {
    const encryptionSalt = randomBytes(SALT_BYTES).toString("hex");
    const integritySalt = randomBytes(SALT_BYTES).toString("hex");
    keys = { encryptionSalt, encryptionKey: deriveKey(secret, encryptionSalt), integritySalt, integrityKey: deriveKey(secret, integritySalt) };
    sealingKeys.set(secret, keys);
    // Our own salts open our own seals without a derivation.
    rememberKey(secret, encryptionSalt, keys.encryptionKey);
    rememberKey(secret, integritySalt, keys.integrityKey);
  }
  return keys;
}

function rememberKey(secret: string, salt: string, key: Buffer): void {
  if (openedKeys.size >= MAX_CACHED_KEYS) openedKeys.delete(openedKeys.keys().next().value as string);
  openedKeys.set(`${salt}\0${secret}`, key);
}

function mac(key: Buffer, text: string): string {
  return createHmac("sha256", key).update(text).digest("base64url");
}

/** Seals `object` (as JSON) under `password`; `ttlMs` 0 for a seal that never expires. */
export function ironSeal(object: unknown, password: IronPassword, ttlMs: number): string {
  if (password.id && !/^\w+$/.test(password.id)) throw new Error("invalid iron password id");
  const keys = keysFor(password.secret);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-cbc", keys.encryptionKey, iv);
  const encrypted = Buffer.concat([cipher.update(JSON.stringify(object), "utf8"), cipher.final()]);
  const expiration = ttlMs ? String(Date.now() + ttlMs) : "";
  const base = `${PREFIX}*${password.id}*${keys.encryptionSalt}*${iv.toString("base64url")}*${encrypted.toString("base64url")}*${expiration}`;
  return `${base}*${keys.integritySalt}*${mac(keys.integrityKey, base)}`;
}

/**
 * The object inside a seal. Throws for anything that is not an authentic, unexpired seal made
 * with one of the passwords `secretFor` knows (by the id recorded in the seal; "default" for none).
 */
export function ironUnseal(sealed: string, secretFor: (id: string) => string | undefined): unknown {
  const parts = sealed.split("*");
  if (parts.length !== 8) throw new Error("incorrect number of sealed components");
  const [prefix, id, encryptionSalt, iv, encrypted, expiration, integritySalt, digest] = parts;
  if (prefix !== PREFIX) throw new Error("wrong mac prefix");
  if (expiration) {
    if (!/^\d+$/.test(expiration)) throw new Error("invalid expiration");
    if (Number(expiration) <= Date.now() - TIMESTAMP_SKEW_MS) throw new Error("expired seal");
  }
  const secret = secretFor(id || "default");
  if (secret === undefined) throw new Error("unknown password id");
  const base = sealed.slice(0, sealed.length - integritySalt.length - digest.length - 2);
  const integrityKey = verifiedKey(secret, integritySalt, (key) => equal(mac(key, base), digest));
  if (!integrityKey) throw new Error("bad hmac value");
  // Authentic from here on: the encryption salt is ours or a peer's holding the secret.
  const encryptionKey = verifiedKey(secret, encryptionSalt, () => true) as Buffer;
  const decipher = createDecipheriv("aes-256-cbc", encryptionKey, Buffer.from(iv, "base64url"));
  const text = Buffer.concat([decipher.update(Buffer.from(encrypted, "base64url")), decipher.final()]).toString("utf8");
  return text ? JSON.parse(text) : null;
}

/** The key for `salt`, cached only once `accept` confirmed it, so forged seals cannot evict good keys. */
function verifiedKey(secret: string, salt: string, accept: (key: Buffer) => boolean): Buffer | undefined {
  const cached = openedKeys.get(`${salt}\0${secret}`);
  if (cached) return accept(cached) ? cached : undefined;
  const key = deriveKey(secret, salt);
  if (!accept(key)) return undefined;
  rememberKey(secret, salt, key);
  return key;
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
