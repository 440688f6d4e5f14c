import { Kysely, PostgresDialect, sql } from "kysely";
import { Pool } from "pg";
import { SCHEMA_NAME } from "../session-config";
import { guardStore, lockTimeout, storeUnavailable } from "../session-errors";
import { decodeIdCookie } from "../session-id";
import type { SessionCookie, SessionStore, StoreLock } from "../session-store";
import {
  deleteExpiredSessions,
  deleteSession,
  migrateSessionTables,
  selectSession,
  type SessionDatabase,
  type SessionDb,
  SESSIONS_MIGRATIONS,
  upsertSession,
} from "./sql-session-table";

export interface PostgresStoreOptions {
  /** postgres://user:password@host:port/database */
  connectionString: string;
  /** Schema for the session tables (created if missing); default: the connection's search_path. */
  schema?: string;
  /** Pool size. Each locked request holds one connection for its duration. */
  maxConnections?: number;
  /** Where failures of pooled connections outside any query are reported. */
  log: (message: string) => void;
}

/** Bounds connecting and waiting for a free pooled connection: a dead server answers 503, never hangs. */
const CONNECT_TIMEOUT_MS = 5000;
/**
 * A lock lives in a transaction on one connection. Should its holder stop without closing the
 * socket (host frozen, network cut), PostgreSQL ends the idle transaction after this and frees
 * the lock; a holder that crashes closes its socket and frees it at once.
 */
const IDLE_IN_TRANSACTION_MS = 5 * 60_000;
const LOCK_NOT_AVAILABLE = "55P03";

/**
 * Sessions in PostgreSQL, shared by any number of tsmod instances. A request's lock is
 * pg_advisory_xact_lock in a transaction that lives until the lock is released; the session's
 * reads and writes run in that transaction, so they commit together at release and a holder
 * that dies leaves nothing half-written and no lock behind.
 */
export class PostgresStore implements SessionStore {
  readonly name = "postgres";
  readonly capabilities = { serverSide: true, serialisesRequests: true, shared: true } as const;
  readonly #db: SessionDb;
  readonly #schema: string | undefined;
  #ready: Promise<void> | undefined;
  #closed = false;

  constructor(options: PostgresStoreOptions) {
    if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
      throw new Error(`invalid PostgreSQL schema name for sessions: "${options.schema}"`);
    }
    this.#schema = options.schema;
    const pool = new Pool({
      connectionString: options.connectionString,
      max: options.maxConnections,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS,
      keepAlive: true,
      options: options.schema === undefined ? undefined : `-c search_path=${options.schema}`,
    });
    // A connection that dies emits 'error' on its client (and, while idle, again on the pool);
    // an unheard 'error' would end the process. The client's listener reports it once.
    pool.on("connect", (client) =>
      client.on("error", (error) => options.log(`tsmod sessions: PostgreSQL connection failed: ${error.message}`)),
    );
    pool.on("error", () => undefined);
    this.#db = new Kysely<SessionDatabase>({ dialect: new PostgresDialect({ pool }) });
  }

  decodeCookie(value: string): Promise<SessionCookie | undefined> {
    return decodeIdCookie(value);
  }

  async lock(id: string, waitMs: number): Promise<StoreLock> {
    await this.#prepare();
    const started = Date.now();
    const trx = await guardStore(this.name, () => this.#db.startTransaction().execute());
    try {
      const left = Math.max(1, waitMs - (Date.now() - started));
      await sql`select set_config('lock_timeout', ${`${left}ms`}, true)`.execute(trx);
      // 64-bit hash of the id: collisions between live sessions are practically impossible.
      await sql`select pg_advisory_xact_lock(hashtextextended(${`tsmod-session:${id}`}, 0))`.execute(trx);
      await sql`set local lock_timeout to default`.execute(trx);
    } catch (error) {
      await trx.rollback().execute().catch(() => undefined); // kysely releases the connection either way
      if ((error as { code?: unknown }).code === LOCK_NOT_AVAILABLE) throw lockTimeout(this.name, id, waitMs);
      throw storeUnavailable(this.name, error);
    }
    let released = false;
    return {
      load: (cookie) => guardStore(this.name, () => selectSession(trx, cookie.id)),
      save: (record) => guardStore(this.name, async () => (await upsertSession(trx, record), record.id)),
      delete: (sessionId) => guardStore(this.name, () => deleteSession(trx, sessionId)),
      release: async () => {
        if (released) return;
        released = true;
        try {
          await trx.commit().execute();
        } catch (error) {
          await trx.rollback().execute().catch(() => undefined);
          throw storeUnavailable(this.name, error);
        }
      },
    };
  }

  async deleteExpired(now: number): Promise<number> {
    await this.#prepare();
    return guardStore(this.name, () => deleteExpiredSessions(this.#db, now));
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#db.destroy();
  }

  /**
   * Creates the schema and tables on first use; kysely's migrator locks across instances on
   * PostgreSQL, and creates a missing schema tolerating an instance that created it meanwhile.
   */
  #prepare(): Promise<void> {
    if (this.#closed) return Promise.reject(storeUnavailable(this.name, new Error("the store is closed")));
    this.#ready ??= guardStore(this.name, async () => {
      await migrateSessionTables(this.#db, SESSIONS_MIGRATIONS, this.#schema ?? (await this.#currentSchema()));
    }).catch((error: unknown) => {
      this.#ready = undefined; // the next request tries again: the server may be back
      throw error;
    });
    return this.#ready;
  }

  /** Where the connection's unqualified names (the store's queries) create and find tables. */
  async #currentSchema(): Promise<string> {
    const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(this.#db);
    const schema = rows[0]?.schema;
    if (schema == null) {
      throw new Error("the connection's search_path names no existing schema: set TsOption tsmod.session.schema");
    }
    return schema;
  }
}
