import { ErrorCode, TsmodError } from "../platform";
import { assertJsonValue, type JsonValue } from "./json-value";
import type { SessionConfig } from "./session-config";
import {
  MAX_COOKIE_BYTES,
  serializeExpiredSessionCookie,
  serializeSessionCookie,
  type SessionCookieAttributes,
} from "./session-cookie";
import { guardStore } from "./session-errors";
import { newSessionId } from "./session-id";
import type { SessionManager } from "./session-manager";
import type { SessionRequest } from "./session-request";
import { expiresAt, type SessionRecord, type SessionStore, type StoreLock } from "./session-store";

/**
 * An unchanged session is written back only once this fraction of its timeout has passed
 * since the last write, to keep it alive without a database write on every request.
 */
const REFRESH_FRACTION = 1 / 4;

/** Everything a session needs from its request and server. */
export interface SessionContext {
  readonly req: SessionRequest;
  readonly config: SessionConfig;
  readonly store: SessionStore;
  readonly manager: SessionManager;
}

/** What the store holds for this session, to tell whether a save must write. */
interface Stored {
  readonly data: string;
  readonly accessed: number;
  readonly timeout: number;
}

/**
 * A session, mod_python's model: loaded and locked for the request, saved explicitly.
 * Values are JSON data (see JsonValue); `get` returns the live value, and changes made to it
 * in place are saved too, because `save()` compares the serialised data with what was loaded.
 */
export class Session {
  readonly #ctx: SessionContext;
  #id: string;
  readonly #isNew: boolean;
  readonly #created: number;
  readonly #accessed: number;
  #timeout: number;
  readonly #data: Map<string, JsonValue>;
  #stored: Stored | undefined;
  /** The cookie value the client will hold after this response. */
  #clientCookie: string | undefined;
  /** Whether the session should stay locked; a new session takes the lock at its first write. */
  #lockWanted = true;
  #lock: StoreLock | undefined;
  #invalidated = false;

  private constructor(
    ctx: SessionContext,
    record: SessionRecord | undefined,
    now: number,
    clientCookie: string | undefined,
    lock: StoreLock | undefined,
  ) {
    this.#ctx = ctx;
    this.#clientCookie = clientCookie;
    this.#lock = lock;
    this.#accessed = now;
    if (record === undefined) {
      this.#id = newSessionId();
      this.#isNew = true;
      this.#created = now;
      this.#timeout = ctx.config.timeout;
      this.#data = new Map();
    } else {
      this.#id = record.id;
      this.#isNew = false;
      this.#created = record.created;
      this.#timeout = record.timeout;
      this.#data = new Map(Object.entries(JSON.parse(record.data) as Record<string, JsonValue>));
      this.#stored = { data: record.data, accessed: record.accessed, timeout: record.timeout };
    }
  }

  /**
   * Loads the session the client's cookie names, locked, or starts a new one when the cookie
   * is absent, malformed, forged, unknown or expired (an expired one is deleted on the way).
   * Use getSession(); this is its building block.
   */
  static async open(ctx: SessionContext, cookieValue: string | undefined): Promise<Session> {
    const { store, manager } = ctx;
    const cookie =
      cookieValue === undefined ? undefined : await guardStore(store.name, () => store.decodeCookie(cookieValue));
    if (cookie !== undefined) {
      const lock = await manager.lock(store, cookie.id, ctx.config.lockTimeoutMs);
      try {
        const record = await lock.load(cookie);
        const now = manager.clock();
        if (record !== undefined && expiresAt(record) >= now) {
          const session = new Session(ctx, record, now, cookieValue, lock);
          await session.#refreshIfDue(now);
          return session;
        }
        if (record !== undefined) await lock.delete(record.id);
      } catch (error) {
        await lock.release().catch(() => undefined); // the original error is the one to report
        throw error;
      }
      await lock.release();
    }
    return new Session(ctx, undefined, manager.clock(), cookieValue, undefined);
  }

  /** 32 lowercase hex characters (128 random bits); changes on regenerate(). */
  get id(): string {
    return this.#id;
  }

  /** True when this request started the session (nothing was loaded). */
  get isNew(): boolean {
    return this.#isNew;
  }

  /** When the session was started, in milliseconds since the epoch. */
  get created(): number {
    return this.#created;
  }

  /** When this request opened the session (mod_python's last_accessed), in ms since the epoch. */
  get accessed(): number {
    return this.#accessed;
  }

  /** Seconds of inactivity after which the session expires; a change is saved by save(). */
  get timeout(): number {
    return this.#timeout;
  }

  set timeout(seconds: number) {
    if (!Number.isInteger(seconds) || seconds <= 0) {
      throw new TsmodError(ErrorCode.SESSION_VALUE, `session timeout must be a positive whole number of seconds, got ${seconds}`);
    }
    this.#timeout = seconds;
  }

  /** The value stored under `key`; the type parameter is the caller's claim, not checked. */
  get<T extends JsonValue = JsonValue>(key: string): T | undefined {
    return this.#data.get(key) as T | undefined;
  }

  /** Stores JSON data under `key`; anything else (Date, Map, function, undefined, NaN, cycles) throws SESSION_VALUE. */
  set(key: string, value: JsonValue): void {
    assertJsonValue(value, key);
    this.#data.set(key, value);
  }

  delete(key: string): boolean {
    return this.#data.delete(key);
  }

  has(key: string): boolean {
    return this.#data.has(key);
  }

  keys(): string[] {
    return [...this.#data.keys()];
  }

  /**
   * Writes the session when its data or timeout changed, when it was never stored, or when
   * a quarter of the timeout passed since the last write; otherwise does nothing. A no-op
   * after invalidate(), so a logout cannot be undone by a later save.
   */
  async save(): Promise<void> {
    if (this.#invalidated) return;
    const data = this.#serialise();
    const now = this.#ctx.manager.clock();
    const stored = this.#stored;
    if (stored === undefined || stored.data !== data || stored.timeout !== this.#timeout || this.#refreshDue(stored, now)) {
      await this.#write(data, now);
    }
  }

  /** Deletes the session and expires the cookie (log-out). The object is empty afterwards. */
  async invalidate(): Promise<void> {
    if (this.#invalidated) return;
    const id = this.#id;
    if (this.#stored !== undefined) await this.#withLock((lock) => lock.delete(id));
    this.#invalidated = true;
    this.#stored = undefined;
    this.#data.clear();
    if (this.#clientCookie !== undefined) {
      this.#ctx.req.addSetCookie(serializeExpiredSessionCookie(this.#ctx.config.cookieName, this.#cookieAttributes()));
      this.#clientCookie = undefined;
    }
  }

  /**
   * Moves the data to a new id and deletes the old one: call it on log-in, so an id planted
   * in the browser before (session fixation) is worthless afterwards. The old id's deletion
   * is made durable first; should the new write then fail, the session is lost, never both kept.
   */
  async regenerate(): Promise<void> {
    if (this.#invalidated) {
      throw new TsmodError(ErrorCode.SESSION_STATE, "session.regenerate() after invalidate(): the session no longer exists");
    }
    const data = this.#serialise();
    const oldId = this.#id;
    const newId = newSessionId();
    const next = await this.#acquire(newId);
    try {
      if (this.#stored !== undefined) await this.#withLock((lock) => lock.delete(oldId));
      await this.#releaseLock();
    } catch (error) {
      await next.release();
      throw error;
    }
    this.#id = newId;
    this.#lock = next;
    await this.#write(data, this.#ctx.manager.clock());
    if (!this.#lockWanted) await this.#releaseLock();
  }

  /** Locks the session again after unlock(); it does not reload data changed meanwhile. */
  async lock(): Promise<void> {
    this.#lockWanted = true;
    if (this.#lock === undefined && this.#stored !== undefined) this.#lock = await this.#acquire(this.#id);
  }

  /**
   * Lets other requests of this session proceed (and, on PostgreSQL, commits this one's
   * writes). Called automatically when the request ends; later writes lock briefly themselves.
   */
  async unlock(): Promise<void> {
    this.#lockWanted = false;
    await this.#releaseLock();
  }

  #serialise(): string {
    for (const [key, value] of this.#data) assertJsonValue(value, key); // catches in-place changes since set()
    return JSON.stringify(Object.fromEntries(this.#data));
  }

  #refreshDue(stored: Stored, now: number): boolean {
    return now - stored.accessed >= stored.timeout * 1000 * REFRESH_FRACTION;
  }

  /** Keeps a loaded, unchanged session alive by the refresh rule, before the response is sent. */
  async #refreshIfDue(now: number): Promise<void> {
    if (this.#stored !== undefined && this.#refreshDue(this.#stored, now)) await this.#write(this.#stored.data, now);
  }

  async #write(data: string, now: number): Promise<void> {
    const record: SessionRecord = { id: this.#id, data, created: this.#created, accessed: now, timeout: this.#timeout };
    const cookie = await this.#withLock((lock) => lock.save(record));
    const header = cookie === this.#clientCookie ? undefined : this.#cookieHeader(cookie);
    this.#stored = { data, accessed: now, timeout: this.#timeout };
    if (header !== undefined) {
      this.#ctx.req.addSetCookie(header);
      this.#clientCookie = cookie;
    }
  }

  #cookieHeader(value: string): string {
    const header = serializeSessionCookie(this.#ctx.config.cookieName, value, this.#cookieAttributes());
    const bytes = Buffer.byteLength(header);
    if (bytes > MAX_COOKIE_BYTES) {
      throw new TsmodError(
        ErrorCode.SESSION_TOO_LARGE,
        `session cookie would be ${bytes} bytes, over the ${MAX_COOKIE_BYTES}-byte browser limit: keep less data ` +
          `in the session or use a server-side store (tsmod.session.type sqlite or postgres)`,
      );
    }
    return header;
  }

  #cookieAttributes(): SessionCookieAttributes {
    const { config, req } = this.#ctx;
    return { path: config.path, domain: config.domain, secure: config.secure || req.isHttps };
  }

  /** Runs a store operation under this session's lock, taking it if needed (briefly, when unlocked). */
  async #withLock<T>(operation: (lock: StoreLock) => Promise<T>): Promise<T> {
    if (this.#lock !== undefined) return operation(this.#lock);
    const lock = await this.#acquire(this.#id);
    if (this.#lockWanted) {
      this.#lock = lock;
      return operation(lock);
    }
    try {
      return await operation(lock);
    } finally {
      await lock.release();
    }
  }

  #acquire(id: string): Promise<StoreLock> {
    return this.#ctx.manager.lock(this.#ctx.store, id, this.#ctx.config.lockTimeoutMs);
  }

  async #releaseLock(): Promise<void> {
    const lock = this.#lock;
    this.#lock = undefined;
    await lock?.release();
  }
}
