import { createHash } from "node:crypto";

const ITOA64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

function to64(value: number, chars: number): string {
  let out = "";
  for (let v = value; chars > 0; chars--, v >>>= 6) out += ITOA64[v & 0x3f];
  return out;
}

function md5(...parts: Buffer[]): Buffer {
  const h = createHash("md5");
  for (const p of parts) h.update(p);
  return h.digest();
}

/**
 * Apache's `$apr1$` hash (Poul-Henning Kamp's MD5-crypt with Apache's magic string), as
 * `htpasswd -m` writes it: `$apr1$SALT$HASH`. Weak by today's standards, but htpasswd files
 * carry it, so it must verify.
 */
export function apr1(password: string, salt: string): string {
  const magic = Buffer.from("$apr1$");
  const pw = Buffer.from(password, "utf8");
  const s = Buffer.from(salt.split("$")[0].slice(0, 8));
  const alternate = md5(pw, s, pw);
  const parts: Buffer[] = [pw, magic, s];
  for (let left = pw.length; left > 0; left -= 16) parts.push(alternate.subarray(0, Math.min(left, 16)));
  for (let i = pw.length; i; i >>>= 1) parts.push(i & 1 ? Buffer.from([0]) : pw.subarray(0, 1));
  let f = md5(...parts);
  for (let i = 0; i < 1000; i++) {
    const round: Buffer[] = [i & 1 ? pw : f];
    if (i % 3) round.push(s);
    if (i % 7) round.push(pw);
    round.push(i & 1 ? f : pw);
    f = md5(...round);
  }
  const hash =
    to64((f[0] << 16) | (f[6] << 8) | f[12], 4) +
    to64((f[1] << 16) | (f[7] << 8) | f[13], 4) +
    to64((f[2] << 16) | (f[8] << 8) | f[14], 4) +
    to64((f[3] << 16) | (f[9] << 8) | f[15], 4) +
    to64((f[4] << 16) | (f[10] << 8) | f[5], 4) +
    to64(f[11], 2);
  return `$apr1$${s.toString()}$${hash}`;
}
