import { Kysely, PostgresDialect, sql } from "kysely";
import { Pool, type PoolClient } from "pg";
import { SCHEMA_NAME } from "../session-config";
import { guardStore, lockTimeout, storeUnavailable } from "../session-errors";
import { decodeIdCookie, isValidSessionId } from "../session-id";
import { expiresAt, type SessionCookie, type SessionRecord, type SessionStore, type StoreLock } from "../session-store";
import { deleteExpiredSessions, migrateSessionTables, type SessionDatabase, type SessionDb, SESSIONS_MIGRATIONS } from "./sql-session-table";

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
 *
 * Two round trips per request: the transaction's start, the lock and the read go in one
 * multi-statement query, the writes and the commit in another (writes wait for the release,
 * which commits them). A multi-statement query takes no parameters: what is spliced in is a
 * checked session id, integers, and the data as pg's escapeLiteral quotes it.
 */
export class PostgresStore implements SessionStore {
  readonly name = "postgres";
  readonly capabilities = { serverSide: true, serialisesRequests: true, shared: true } as const;
  readonly #db: SessionDb;
  readonly #pool: Pool;
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
    this.#pool = pool;
    this.#db = new Kysely<SessionDatabase>({ dialect: new PostgresDialect({ pool }) });
  }

  decodeCookie(value: string): Promise<SessionCookie | undefined> {
    return decodeIdCookie(value);
  }

  async lock(id: string, waitMs: number): Promise<StoreLock> {
    if (!isValidSessionId(id)) throw storeUnavailable(this.name, new Error("not a session id")); // it is spliced into SQL
    await this.#prepare();
    const started = Date.now();
    const client = await guardStore(this.name, () => this.#pool.connect());
    const left = Math.max(1, Math.round(waitMs - (Date.now() - started)));
    let loaded: SessionRecord | undefined;
    try {
      // 64-bit hash of the id: collisions between live sessions are practically impossible.
      const results = (await client.query(
        `begin; set local lock_timeout = ${left}; select pg_advisory_xact_lock(hashtextextended('tsmod-session:${id}', 0)); ` +
          `set local lock_timeout to default; select data, created, accessed, timeout from tsmod_sessions where id = '${id}'`,
      )) as unknown as { rows: { data: string; created: string; accessed: string; timeout: number }[] }[];
      const row = results[results.length - 1].rows[0];
      loaded = row && { id, data: row.data, created: Number(row.created), accessed: Number(row.accessed), timeout: Number(row.timeout) };
    } catch (error) {
      await this.#end(client, "rollback");
      if ((error as { code?: unknown }).code === LOCK_NOT_AVAILABLE) throw lockTimeout(this.name, id, waitMs);
      throw storeUnavailable(this.name, error);
    }
    const writes: string[] = [];
    let released = false;
    return {
      load: async (cookie) => {
        if (cookie.id === id) return loaded;
        throw storeUnavailable(this.name, new Error("a lock loads only its own session"));
      },
      save: async (record) => {
        writes.push(upsertStatement(client, record));
        return record.id;
      },
      delete: async (sessionId) => {
        if (!isValidSessionId(sessionId)) throw storeUnavailable(this.name, new Error("not a session id"));
        writes.push(`delete from tsmod_sessions where id = '${sessionId}'`);
      },
      release: async () => {
        if (released) return;
        released = true;
        const failure = await this.#end(client, [...writes, "commit"].join("; "));
        if (failure !== undefined) throw storeUnavailable(this.name, failure);
      },
    };
  }

  /** Ends the lock's transaction with `statements` and returns the connection: broken, it is discarded. */
  async #end(client: PoolClient, statements: string): Promise<Error | undefined> {
    try {
      await client.query(statements);
      client.release();
      return undefined;
    } catch (error) {
      await client.query("rollback").catch(() => undefined);
      client.release(error as Error);
      return error as Error;
    }
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

/** The upsert of a record as SQL text: its id is checked, its numbers are integers, its data quoted by pg. */
function upsertStatement(client: PoolClient, record: SessionRecord): string {
  const numbers = [record.created, record.accessed, record.timeout, expiresAt(record)];
  if (!isValidSessionId(record.id) || !numbers.every(Number.isSafeInteger)) throw new Error(`invalid session record ${record.id}`);
  return (
    `insert into tsmod_sessions (id, data, created, accessed, timeout, expires) values ('${record.id}', ${client.escapeLiteral(record.data)}, ${numbers.join(", ")}) ` +
    "on conflict (id) do update set data = excluded.data, accessed = excluded.accessed, timeout = excluded.timeout, expires = excluded.expires"
  );
}
