/** One session as a store keeps it. Times are milliseconds since the epoch. */
export interface SessionRecord {
  readonly id: string;
  /** The session's data as JSON text of an object. */
  readonly data: string;
  readonly created: number;
  /** When the session was last written because it was used (see Session's refresh rule). */
  readonly accessed: number;
  /** Seconds of inactivity after which the session expires. */
  readonly timeout: number;
}

/** What a client's cookie names: always an id, and the whole record when the cookie carries it. */
export interface SessionCookie {
  readonly id: string;
  readonly record?: SessionRecord;
}

/** What a store can promise; the conformance suite checks each case against these flags. */
export interface StoreCapabilities {
  /** Data lives on the server: invalidate/regenerate revoke the old id, cleanup removes rows. */
  readonly serverSide: boolean;
  /** Concurrent requests of one session run one at a time (otherwise: last writer wins). */
  readonly serialisesRequests: boolean;
  /** Several store instances (processes, machines) on the same backing data see one another. */
  readonly shared: boolean;
}

/**
 * Exclusive access to one session id, held from `lock` until `release`. Every read and
 * write of a session goes through one, so a store can keep them in the lock's transaction.
 */
export interface StoreLock {
  load(cookie: SessionCookie): Promise<SessionRecord | undefined>;
  /** Writes the record; resolves to the cookie value that names it from now on. */
  save(record: SessionRecord): Promise<string>;
  delete(id: string): Promise<void>;
  /** Ends the lock, making its writes durable where the store defers them. Idempotent. */
  release(): Promise<void>;
}

export interface SessionStore {
  /** "memory", "sqlite", "postgres", "cookie": named in errors and logs. */
  readonly name: string;
  readonly capabilities: StoreCapabilities;
  /** Checks a cookie value a client sent; undefined for anything this store did not issue. */
  decodeCookie(value: string): Promise<SessionCookie | undefined>;
  /**
   * Locks `id` against other store instances, waiting at most `waitMs`: rejects with
   * SESSION_LOCK_TIMEOUT (503) when the bound passes, SESSION_STORE_UNAVAILABLE (503) when
   * the backing store fails. A lock whose holder died must become free again.
   */
  lock(id: string, waitMs: number): Promise<StoreLock>;
  /** Removes sessions whose inactivity passed their timeout at `now`; resolves to the count. */
  deleteExpired(now: number): Promise<number>;
  close(): Promise<void>;
}

/** The instant a record expires: `timeout` seconds of inactivity after `accessed`. */
export function expiresAt(record: SessionRecord): number {
  return record.accessed + record.timeout * 1000;
}
