import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import Redis from "ioredis";
import { guardStore, lockTimeout, storeUnavailable } from "../session-errors";
import { decodeIdCookie } from "../session-id";
import type { SessionCookie, SessionRecord, SessionStore, StoreLock } from "../session-store";

export interface RedisStoreOptions {
  /** redis://[user:password@]host[:port][/db], or rediss:// for TLS. */
  url: string;
  /** Every key the store writes starts with it; several sites can share one Redis. */
  keyPrefix: string;
  /** Where a lost connection is reported (once per outage). */
  log: (message: string) => void;
  /**
   * How long a lock outlives a holder that stopped without releasing it (process killed,
   * host frozen). A live holder renews its lock, so requests may take longer than this.
   */
  lockLeaseMs?: number;
}

const DEFAULT_LEASE_MS = 30_000;
/** A lock that is taken is polled this often at first, then less often up to the cap. */
const FIRST_RETRY_MS = 2;
const MAX_RETRY_MS = 50;
/** deleteExpired removes expired sessions in batches, so Redis never blocks on one long script. */
const CLEANUP_BATCH = 500;

/**
 * Takes the lock (a random token, with an expiry) and reads the session in one round trip.
 * KEYS: lock, record. ARGV: token, lease ms. Answers [1, record or false] or [0, lock's pttl].
 */
const LOCK_AND_LOAD = `
if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {1, redis.call('get', KEYS[2])}
end
return {0, redis.call('pttl', KEYS[1])}`;

/**
 * Applies the lock's writes and releases it in one round trip, only while the lock is still
 * this holder's: a holder whose lease expired (and whose session another request may have
 * changed since) writes nothing. KEYS: lock, expiry index, then one record key per write.
 * ARGV: token, then per write "set", value, ttl ms, expiry instant, id; or "del", id.
 */
const SAVE_AND_UNLOCK = `
if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end
local arg = 2
for k = 3, #KEYS do
  if ARGV[arg] == 'set' then
    redis.call('set', KEYS[k], ARGV[arg + 1], 'PX', ARGV[arg + 2])
    redis.call('zadd', KEYS[2], ARGV[arg + 3], ARGV[arg + 4])
    arg = arg + 5
  else
    redis.call('del', KEYS[k])
    redis.call('zrem', KEYS[2], ARGV[arg + 1])
    arg = arg + 2
  end
end
redis.call('del', KEYS[1])
return 1`;

/** Extends the lease while the token is still the holder's. KEYS: lock. ARGV: token, lease ms. */
const RENEW = `
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
return 0`;

/**
 * Removes up to ARGV[2] sessions whose expiry instant is before ARGV[1].
 * KEYS: expiry index. ARGV: now, batch size, record key prefix. Answers the count.
 */
const DELETE_EXPIRED = `
local ids = redis.call('zrangebyscore', KEYS[1], '-inf', '(' .. ARGV[1], 'LIMIT', 0, ARGV[2])
for _, id in ipairs(ids) do
  redis.call('del', ARGV[3] .. id)
  redis.call('zrem', KEYS[1], id)
end
return #ids`;

interface SessionScripts {
  lockAndLoad(lock: string, record: string, token: string, leaseMs: number): Promise<[0 | 1, string | number | null]>;
  saveAndUnlock(keyCount: number, ...keysAndArgs: (string | number)[]): Promise<0 | 1>;
  renew(lock: string, token: string, leaseMs: number): Promise<number>;
  deleteExpired(index: string, now: number, batch: number, recordPrefix: string): Promise<number>;
}

type Write = { kind: "set"; record: SessionRecord } | { kind: "del"; id: string };

/**
 * Sessions in Redis, shared by any number of tsmod instances, with PostgreSQL's guarantee:
 * no lost writes across instances. A request's lock is a key holding a random token with a
 * lease (renewed while the request runs, so a dead holder frees it within the lease); only
 * the token's holder can write or release. A request costs two round trips: lock and load
 * in one script, the writes and the release in another (writes wait for the release, as
 * PostgreSQL's wait for the commit). Each record also carries Redis's own expiry, and a
 * sorted set of expiry instants lets cleanup follow the server's clock.
 */
export class RedisStore implements SessionStore {
  readonly name = "redis";
  readonly capabilities = { serverSide: true, serialisesRequests: true, shared: true } as const;
  readonly #client: Redis & SessionScripts;
  readonly #prefix: string;
  readonly #leaseMs: number;
  #outage = false;

  constructor(options: RedisStoreOptions) {
    this.#prefix = options.keyPrefix;
    this.#leaseMs = options.lockLeaseMs ?? DEFAULT_LEASE_MS;
    const client = new Redis(options.url, {
      // Connects at the first request: a server without Redis starts, and its sessions answer 503.
      lazyConnect: true,
      // A request fails (503) after one reconnection attempt instead of waiting for Redis to return.
      maxRetriesPerRequest: 1,
      connectTimeout: 5000,
      retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
    });
    client.defineCommand("lockAndLoad", { numberOfKeys: 2, lua: LOCK_AND_LOAD });
    client.defineCommand("saveAndUnlock", { lua: SAVE_AND_UNLOCK });
    client.defineCommand("renew", { numberOfKeys: 1, lua: RENEW });
    client.defineCommand("deleteExpired", { numberOfKeys: 1, lua: DELETE_EXPIRED });
    // An unheard 'error' would end the process; ioredis repeats it on every reconnection attempt.
    client.on("error", (error: Error) => {
      if (!this.#outage) options.log(`tsmod sessions: Redis connection failed: ${error.message}`);
      this.#outage = true;
    });
    client.on("ready", () => (this.#outage = false));
    this.#client = client as Redis & SessionScripts;
  }

  decodeCookie(value: string): Promise<SessionCookie | undefined> {
    return decodeIdCookie(value);
  }

  async lock(id: string, waitMs: number): Promise<StoreLock> {
    const lockKey = `${this.#prefix}lock:${id}`;
    const token = randomBytes(16).toString("hex");
    const deadline = Date.now() + waitMs;
    let retryMs = FIRST_RETRY_MS;
    for (;;) {
      const [taken, value] = await guardStore(this.name, () =>
        this.#client.lockAndLoad(lockKey, this.#recordKey(id), token, this.#leaseMs),
      );
      if (taken === 1) return this.#held(id, lockKey, token, typeof value === "string" ? value : undefined);
      const left = deadline - Date.now();
      if (left <= 0) throw lockTimeout(this.name, id, waitMs);
      // Never past the deadline, nor past the moment a dead holder's lease runs out.
      const holderLeft = typeof value === "number" && value > 0 ? value : retryMs;
      await sleep(Math.max(1, Math.min(retryMs, left, holderLeft)));
      retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
    }
  }

  async deleteExpired(now: number): Promise<number> {
    let removed = 0;
    for (;;) {
      const count = await guardStore(this.name, () =>
        this.#client.deleteExpired(this.#indexKey(), now, CLEANUP_BATCH, this.#recordKey("")),
      );
      removed += count;
      if (count < CLEANUP_BATCH) return removed;
    }
  }

  async close(): Promise<void> {
    // QUIT lets the answers in flight arrive; a client that is not connected just stops trying.
    if (this.#client.status === "ready") await this.#client.quit().catch(() => undefined);
    this.#client.disconnect();
  }

  #recordKey(id: string): string {
    return `${this.#prefix}${id}`;
  }

  #indexKey(): string {
    return `${this.#prefix}expiry-index`;
  }

  /** The lock just taken: `loaded` is the locked id's record as read with the lock. */
  #held(lockedId: string, lockKey: string, token: string, loaded: string | undefined): StoreLock {
    const writes: Write[] = [];
    let released = false;
    const renewal = setInterval(() => {
      this.#client.renew(lockKey, token, this.#leaseMs).catch(() => undefined); // the release reports a lost lock
    }, this.#leaseMs / 3);
    renewal.unref();
    return {
      load: async (cookie) => {
        if (cookie.id === lockedId) return loaded === undefined ? undefined : decodeRecord(cookie.id, loaded);
        const other = await guardStore(this.name, () => this.#client.get(this.#recordKey(cookie.id)));
        return other === null ? undefined : decodeRecord(cookie.id, other);
      },
      save: async (record) => {
        writes.push({ kind: "set", record });
        return record.id;
      },
      delete: async (id) => {
        writes.push({ kind: "del", id });
      },
      release: async () => {
        if (released) return;
        released = true;
        clearInterval(renewal);
        const keys = [lockKey, this.#indexKey()];
        const args: (string | number)[] = [token];
        for (const write of writes) {
          if (write.kind === "set") {
            const { record } = write;
            keys.push(this.#recordKey(record.id));
            args.push("set", encodeRecord(record), record.timeout * 1000, record.accessed + record.timeout * 1000, record.id);
          } else {
            keys.push(this.#recordKey(write.id));
            args.push("del", write.id);
          }
        }
        const done = await guardStore(this.name, () => this.#client.saveAndUnlock(keys.length, ...keys, ...args));
        if (done === 0 && writes.length > 0) {
          throw storeUnavailable(this.name, new Error(`the lock on session ${lockedId.slice(0, 8)}… expired before its writes; they were dropped`));
        }
      },
    };
  }
}

/**
 * "created accessed timeout data": the data (JSON) stays as it is, neither escaped into
 * another JSON document nor parsed to be written again.
 */
function encodeRecord(record: SessionRecord): string {
  return `${record.created} ${record.accessed} ${record.timeout} ${record.data}`;
}

function decodeRecord(id: string, value: string): SessionRecord {
  const [created, accessed, timeout] = value.split(" ", 3).map(Number);
  const start = value.indexOf(" ", value.indexOf(" ", value.indexOf(" ") + 1) + 1) + 1;
  if (!(start > 0 && created >= 0 && accessed >= 0 && timeout > 0)) {
    throw storeUnavailable("redis", new Error(`the record of session ${id.slice(0, 8)}… is malformed`));
  }
  return { id, created, accessed, timeout, data: value.slice(start) };
}
