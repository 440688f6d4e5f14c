import { hash as digest } from "node:crypto";
import type { MaybePromise } from "../../maybe-promise";
import type { AuthResult } from "../../module";
import { BoundedMap } from "../../bounded-map";
import { verifyPassword } from "./password-hash";
import { WatchedFile, colonLines } from "./watched-file";

/** Verified credentials kept per file: enough for every active user, bounded against floods. */
const CACHE_ENTRIES = 10_000;

/**
 * An `AuthUserFile` (htpasswd format: `user:hash`), with the credentials it verified: a bcrypt
 * check costs milliseconds, so a user+password pair that matched once is answered from memory
 * until the file changes. Only successes are kept (keyed by the user and a SHA-256 of the password,
 * never the password), so a wrong password always pays the full hash.
 */
export class PasswordFile {
  private readonly verified = new BoundedMap<string, true>(CACHE_ENTRIES);
  private readonly file: WatchedFile<Map<string, string>>;

  constructor(path: string) {
    this.file = new WatchedFile(path, (text) => new Map(colonLines(text)), () => this.verified.clear());
  }

  /** At once for a remembered credential (the request path stays free of promises). */
  check(user: string, password: string): MaybePromise<AuthResult> {
    const entries = this.file.get();
    const hash = entries.get(user);
    if (hash === undefined) return "unknown";
    const key = `${user}\0${digest("sha256", password, "base64")}`;
    if (this.verified.has(key)) return "granted";
    return verifyPassword(password, hash).then((ok) => {
      if (!ok) return "denied";
      // The file may have changed while the hash ran: only a still-current entry is remembered.
      if (this.file.get() === entries) this.verified.set(key, true);
      return "granted";
    });
  }
}

/** An `AuthGroupFile` (`group: user user ...`): each user's groups. */
export class GroupFile {
  private readonly file: WatchedFile<Map<string, string[]>>;

  constructor(path: string) {
    this.file = new WatchedFile(path, (text) => {
      const byUser = new Map<string, string[]>();
      for (const [group, members] of colonLines(text)) {
        for (const user of members.split(/\s+/).filter(Boolean)) {
          const list = byUser.get(user);
          if (list) list.push(group);
          else byUser.set(user, [group]);
        }
      }
      return byUser;
    });
  }

  groups(user: string): readonly string[] {
    return this.file.get().get(user) ?? [];
  }
}
