import { type IronPassword, ironSeal, ironUnseal, secretId } from "../../platform";
import { MAX_COOKIE_BYTES } from "../session-cookie";
import { isValidSessionId } from "../session-id";
import type { SessionCookie, SessionRecord, SessionStore, StoreLock } from "../session-store";

/**
 * iron-session 8's cookie format: an iron seal, a key id that is a number, and a "~2" version
 * marker. iron-session still unseals pre-v8 cookies whose marker lies outside the signature;
 * only current seals are accepted here.
 */
const CURRENT_SEAL = /^Fe26\.2\*[0-9A-Za-z_\-*]+~2$/;
const VERSION_MARKER = "~2";

/** The sealed payload; short keys because every byte travels in every request. */
interface Sealed {
  id: string;
  d: unknown;
  c: number;
  a: number;
  t: number;
}

/**
 * Stateless sessions: the whole session, sealed with iron (encrypted and authenticated with
 * tsmod.secret), is the cookie. Nothing is kept on the server, so:
 * - concurrent requests of one session are not serialised: the last response's cookie wins;
 * - invalidate() and regenerate() replace the browser's cookie but cannot revoke a copy of
 *   the old one, which stays valid until its timeout;
 * - the cookie must stay under 4096 bytes (saving more fails with SESSION_TOO_LARGE).
 */
export class CookieStore implements SessionStore {
  readonly name = "cookie";
  readonly capabilities = { serverSide: false, serialisesRequests: false, shared: true } as const;
  /** The current key. */
  readonly #sealWith: IronPassword;
  /** Every key by id, so that seals made before a rotation still open. */
  readonly #unsealWith: ReadonlyMap<string, string>;

  /** `secret`: the keys, current first (tsmod.secret's rotation order). */
  constructor(secret: readonly string[]) {
    this.#sealWith = { id: keyId(secret[0]), secret: secret[0] };
    this.#unsealWith = new Map(secret.map((key) => [keyId(key), key]));
  }

  async decodeCookie(value: string): Promise<SessionCookie | undefined> {
    if (value.length > MAX_COOKIE_BYTES || !CURRENT_SEAL.test(value)) return undefined;
    let payload: unknown;
    try {
      payload = ironUnseal(value.slice(0, -VERSION_MARKER.length), (id) => this.#unsealWith.get(id));
    } catch {
      return undefined; // forged, expired, malformed or sealed with an unknown key
    }
    const record = toRecord(payload);
    return record === undefined ? undefined : { id: record.id, record };
  }

  async lock(): Promise<StoreLock> {
    return {
      load: async (cookie) => cookie.record,
      save: (record) => this.#seal(record),
      delete: async () => {},
      release: async () => {},
    };
  }

  async deleteExpired(): Promise<number> {
    return 0;
  }

  async close(): Promise<void> {}

  async #seal(record: SessionRecord): Promise<string> {
    const sealed: Sealed = { id: record.id, d: JSON.parse(record.data), c: record.created, a: record.accessed, t: record.timeout };
    // iron's own expiry backs up the session timeout should a clock or a check ever fail.
    return ironSeal(sealed, this.#sealWith, record.timeout * 1000) + VERSION_MARKER;
  }
}

/** The key's `secretId` as the number iron-session writes (12 hex digits stay exact). */
function keyId(key: string): string {
  return String(parseInt(secretId(key).slice(0, 12), 16));
}

/** Checks the shape of an unsealed payload (iron authenticated it; JSON made every value JSON). */
function toRecord(payload: unknown): SessionRecord | undefined {
  const { id, d, c, a, t } = payload as Partial<Sealed>;
  const valid =
    isValidSessionId(id) &&
    typeof c === "number" &&
    typeof a === "number" &&
    Number.isInteger(t) &&
    (t as number) > 0 &&
    typeof d === "object" &&
    d !== null &&
    !Array.isArray(d);
  return valid ? { id, data: JSON.stringify(d), created: c, accessed: a, timeout: t as number } : undefined;
}
