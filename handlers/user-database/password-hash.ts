import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

/**
 * scrypt password hashes as one self-describing string, `$scrypt$ln=15,r=8,p=1$SALT$HASH`
 * (salt and hash in base64): each row keeps its own salt and cost, so the cost can be raised
 * later without invalidating existing passwords.
 */
export interface ScryptParams {
  /** log2 of scrypt's N. */
  readonly ln: number;
  readonly r: number;
  readonly p: number;
}

/** N = 2^15, r = 8, p = 1: about 32 MiB and tens of milliseconds per hash. */
export const DEFAULT_SCRYPT: ScryptParams = { ln: 15, r: 8, p: 1 };
/** Bounds for costs read from a row: a hostile or corrupt row must not exhaust memory. */
const MAX_LN = 20;
const MIN_LN = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
const FORMAT = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

/**
 * Hashes run on libuv's thread pool, which also serves file reads: never more than this many at
 * once, so a flood of wrong passwords leaves threads for the static files and the event loop free.
 */
const MAX_CONCURRENT = Math.max(1, Math.floor(Number(process.env.UV_THREADPOOL_SIZE || 4) / 2));
let running = 0;
const waiting: Array<() => void> = [];

async function derive(password: string, salt: Buffer, params: ScryptParams, keyBytes = KEY_BYTES): Promise<Buffer> {
  if (running >= MAX_CONCURRENT) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    const N = 2 ** params.ln;
    const options: ScryptOptions = { N, r: params.r, p: params.p, maxmem: 256 * N * params.r + 1024 * 1024 };
    return await new Promise<Buffer>((resolve, reject) =>
      scrypt(password.normalize("NFC"), salt, keyBytes, options, (err, key) => (err ? reject(err) : resolve(key))),
    );
  } finally {
    running--;
    waiting.shift()?.();
  }
}

export function checkScryptParams(params: ScryptParams): void {
  if (!Number.isInteger(params.ln) || params.ln < MIN_LN || params.ln > MAX_LN) throw new RangeError(`scrypt cost must be an integer from ${MIN_LN} to ${MAX_LN}, got ${params.ln}`);
  if (!Number.isInteger(params.r) || params.r < 1 || params.r > 32) throw new RangeError(`scrypt r must be from 1 to 32, got ${params.r}`);
  if (!Number.isInteger(params.p) || params.p < 1 || params.p > 16) throw new RangeError(`scrypt p must be from 1 to 16, got ${params.p}`);
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  checkScryptParams(params);
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params);
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

/** Constant-time comparison of the derived key; false for a hash this code cannot read. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = FORMAT.exec(stored);
  if (!m) return false;
  const params = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  try {
    checkScryptParams(params);
  } catch {
    return false;
  }
  const expected = Buffer.from(m[5], "base64");
  if (expected.length < KEY_BYTES || expected.length > 64) return false;
  const key = await derive(password, Buffer.from(m[4], "base64"), params, expected.length);
  return key.length === expected.length && timingSafeEqual(key, expected);
}
