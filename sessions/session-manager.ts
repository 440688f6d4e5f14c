import { ErrorCode, TsmodError } from "../platform";
import { KeyedMutex, MutexTimeout } from "./keyed-mutex";
import type { SessionConfig } from "./session-config";
import { lockTimeout, storeUnavailable } from "./session-errors";
import type { SessionStore, StoreLock } from "./session-store";
import { SHIPPED_STORES, type SessionStoreProvider, type StoreEnvironment } from "./stores/create-store";

/** Milliseconds since the epoch; injectable so expiry can be tested without sleeping. */
export type Clock = () => number;

export interface SessionManagerOptions {
  clock?: Clock;
  /** ServerRoot: relative tsmod.session.database(_directory) paths resolve against it. Default: cwd. */
  serverRoot?: string;
  /** Folder of the SQLite file when the options name none. Default: a private folder in the temp dir. */
  dataDirectory?: string;
  /** Number of worker processes serving requests; above 1 the memory store is refused. */
  workers?: number;
  /** How often expired sessions are removed; 0 turns the timer off. Default 5 minutes. */
  cleanupIntervalMs?: number;
  /** Receives failures that belong to no request (cleanup, idle database connections). */
  log?: (message: string) => void;
  /** The store providers by type (default: the shipped ones). */
  stores?: ReadonlyMap<string, SessionStoreProvider>;
  /** Opens every store instead of its provider (tests). */
  createStore?: (config: SessionConfig, env: StoreEnvironment) => SessionStore;
}

const DEFAULT_CLEANUP_INTERVAL_MS = 5 * 60_000;

/**
 * One per server: owns the store of each session configuration, the in-process lock of
 * every session, and the periodic cleanup. Construct at start, `close()` at shutdown.
 */
export class SessionManager {
  readonly clock: Clock;
  readonly #env: StoreEnvironment;
  readonly #workers: number;
  readonly #cleanupIntervalMs: number;
  readonly #providers: ReadonlyMap<string, SessionStoreProvider>;
  readonly #createStore: ((config: SessionConfig, env: StoreEnvironment) => SessionStore) | undefined;
  readonly #stores = new Map<string, SessionStore>();
  readonly #mutexes = new WeakMap<SessionStore, KeyedMutex>();
  #timer: NodeJS.Timeout | undefined;
  #cleaning: Promise<number> | undefined;
  #closed = false;

  constructor(options: SessionManagerOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.#env = {
      serverRoot: options.serverRoot ?? process.cwd(),
      dataDirectory: options.dataDirectory,
      log: options.log ?? ((message) => console.error(message)),
    };
    this.#workers = options.workers ?? 1;
    this.#cleanupIntervalMs = options.cleanupIntervalMs ?? DEFAULT_CLEANUP_INTERVAL_MS;
    this.#providers = options.stores ?? new Map(Object.entries(SHIPPED_STORES));
    this.#createStore = options.createStore;
  }

  /** The names `tsmod.session.type` may take. */
  get storeTypes(): string[] {
    return [...this.#providers.keys()];
  }

  /** The store serving `config`, created on first use and shared by configs naming the same place. */
  store(config: SessionConfig): SessionStore {
    if (this.#closed) throw storeUnavailable(config.type, new Error("the server is shutting down"));
    const provider = this.#providers.get(config.type);
    if (!provider) throw new TsmodError(ErrorCode.SESSION_CONFIG, `tsmod.session.type ${config.type}: no session store of that name is loaded (have: ${[...this.#providers.keys()].join(", ")})`);
    const location = provider.location(config, this.#env);
    let store = this.#stores.get(location);
    if (store === undefined) {
      if (config.type === "memory" && this.#workers > 1) {
        throw new TsmodError(
          ErrorCode.SESSION_CONFIG,
          `TsOption tsmod.session.type memory keeps sessions in one process, but ${this.#workers} workers ` +
            "serve requests: use sqlite (the default) or postgres",
        );
      }
      store = this.#createStore ? this.#createStore(config, this.#env) : provider.create(config, this.#env);
      this.#stores.set(location, store);
      this.#startCleanupTimer();
    }
    return store;
  }

  /**
   * Locks session `id` of `store` for one request: first among this process's requests, then
   * across processes through the store, within `waitMs` in total (else SESSION_LOCK_TIMEOUT).
   */
  async lock(store: SessionStore, id: string, waitMs: number): Promise<StoreLock> {
    const started = Date.now();
    let releaseLocal: (() => void) | undefined;
    if (store.capabilities.serialisesRequests) {
      let mutex = this.#mutexes.get(store);
      if (mutex === undefined) this.#mutexes.set(store, (mutex = new KeyedMutex()));
      try {
        releaseLocal = await mutex.acquire(id, waitMs);
      } catch (error) {
        throw error instanceof MutexTimeout ? lockTimeout(store.name, id, waitMs) : error;
      }
    }
    try {
      const held = await store.lock(id, Math.max(1, waitMs - (Date.now() - started)));
      return {
        load: (cookie) => held.load(cookie),
        save: (record) => held.save(record),
        delete: (sessionId) => held.delete(sessionId),
        release: async () => {
          try {
            await held.release();
          } finally {
            releaseLocal?.();
          }
        },
      };
    } catch (error) {
      releaseLocal?.();
      throw error;
    }
  }

  /** Removes expired sessions from every store now; concurrent calls share one run. */
  cleanup(): Promise<number> {
    this.#cleaning ??= this.#cleanAll().finally(() => {
      this.#cleaning = undefined;
    });
    return this.#cleaning;
  }

  /** Stops the cleanup timer and closes every store (connections, files). */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#cleaning;
    const stores = [...this.#stores.values()];
    this.#stores.clear();
    await Promise.all(stores.map((store) => store.close()));
  }

  async #cleanAll(): Promise<number> {
    let removed = 0;
    for (const store of this.#stores.values()) {
      try {
        removed += await store.deleteExpired(this.clock());
      } catch (error) {
        this.#env.log(`tsmod sessions: cleanup of store "${store.name}" failed: ${(error as Error).message}`);
      }
    }
    return removed;
  }

  #startCleanupTimer(): void {
    if (this.#timer !== undefined || this.#cleanupIntervalMs <= 0) return;
    // Off the request path (mod_python ran a 1-in-1000 lottery inside requests), and unref'd
    // so an idle timer never keeps the process alive.
    this.#timer = setInterval(() => void this.cleanup(), this.#cleanupIntervalMs);
    this.#timer.unref();
  }
}
