import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { BoundedMap } from "../../platform";

/** Keyed by this process's random key: a memory dump shows no password and no offline-crackable digest. */
const CACHE_KEY = randomBytes(32);

function digest(password: string): Buffer {
  return createHmac("sha256", CACHE_KEY).update(password).digest();
}

interface Entry {
  /** The HMAC of the last password verified for the user, and when. */
  password?: { readonly digest: Buffer; readonly at: number };
  groups?: { readonly names: readonly string[]; readonly at: number };
}

/**
 * Verified credentials and groups per user, for `tsmod.auth.cache_seconds`: a hit costs one
 * HMAC instead of an scrypt hash. Bounded (a flood of user names cannot grow it without limit)
 * and dropped per user when that user changes, here or in another process.
 */
export class CredentialCache {
  private readonly entries = new BoundedMap<string, Entry>(10_000);

  hasPassword(name: string, password: string, maxAgeMs: number, now: number): boolean {
    const hit = this.entries.get(name)?.password;
    if (!hit || now - hit.at >= maxAgeMs) return false;
    return timingSafeEqual(hit.digest, digest(password));
  }

  rememberPassword(name: string, password: string, now: number): void {
    const entry = this.entries.get(name) ?? {};
    entry.password = { digest: digest(password), at: now };
    this.entries.set(name, entry);
  }

  groups(name: string, maxAgeMs: number, now: number): readonly string[] | undefined {
    const hit = this.entries.get(name)?.groups;
    return hit && now - hit.at < maxAgeMs ? hit.names : undefined;
  }

  rememberGroups(name: string, names: readonly string[], now: number): void {
    const entry = this.entries.get(name) ?? {};
    entry.groups = { names, at: now };
    this.entries.set(name, entry);
  }

  drop(name: string): void {
    this.entries.delete(name);
  }

  clear(): void {
    this.entries.clear();
  }
}
