import { createHash, timingSafeEqual } from "node:crypto";
import { apr1 } from "./apr1";
import { bcryptCompare } from "./bcrypt-pool";

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Checks a password against one htpasswd hash: bcrypt (`$2y$`, `$2a$`, `$2b$`), Apache's
 * `$apr1$`, `{SHA}` and nginx's salted `{SSHA}`; compared in constant time, bcrypt on worker
 * threads. Any other form (DES crypt, plain text) never matches: `tsmod htpasswd` or
 * `htpasswd -B` rewrites such entries.
 */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  if (/^\$2[aby]\$/.test(hash)) return bcryptCompare(password, hash.replace(/^\$2y\$/, "$2b$"));
  if (hash.startsWith("$apr1$")) return sameBytes(Buffer.from(apr1(password, hash.slice(6))), Buffer.from(hash));
  if (hash.startsWith("{SHA}")) {
    return sameBytes(createHash("sha1").update(password, "utf8").digest(), Buffer.from(hash.slice(5), "base64"));
  }
  if (hash.startsWith("{SSHA}")) {
    const raw = Buffer.from(hash.slice(6), "base64");
    if (raw.length <= 20) return false;
    const salt = raw.subarray(20);
    return sameBytes(createHash("sha1").update(password, "utf8").update(salt).digest(), raw.subarray(0, 20));
  }
  return false;
}

/** Whether tsmod can verify a hash of this form. */
export function knownHashForm(hash: string): boolean {
  return /^(\$2[aby]\$|\$apr1\$|\{SHA\}|\{SSHA\})/.test(hash);
}
