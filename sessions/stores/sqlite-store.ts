import { randomBytes } from "node:crypto";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { guardStore, lockTimeout, storeUnavailable } from "../session-errors";
import { decodeIdCookie } from "../session-id";
import type { SessionCookie, SessionStore, StoreLock } from "../session-store";
import { migrateSessionTables, SESSION_LOCKS_MIGRATIONS, type SessionDatabase, SESSIONS_MIGRATIONS } from "./sql-session-table";
import { type SessionWrite, SqliteStatements } from "./sqlite-statements";

/** How long one statement waits for another process's write lock on the file. */
const BUSY_TIMEOUT_MS = 5000;
/** Lock polling starts fast (the common holder is a short request) and backs off. */
const FIRST_POLL_MS = 2;
const MAX_POLL_MS = 25;
/**
 * Identifies this loaded copy of the library: a lock row carrying our pid but another token
 * was left by a dead process whose pid we inherited, so it is free.
 */
const PROCESS_TOKEN = randomBytes(8).toString("hex");
/** With PROCESS_TOKEN, makes each acquisition's owner unique without asking for random bytes. */
let acquisitions = 0;

/**
 * Sessions in one SQLite file (WAL), shared by every process on the machine that opens it:
 * cluster workers or separate servers. Cross-process locks are rows in tsmod_session_locks;
 * a row whose holder process is gone counts as free, so a crash never leaks a lock.
 */
export class SqliteStore implements SessionStore {
  readonly name = "sqlite";
  readonly capabilities = { serverSide: true, serialisesRequests: true, shared: true } as const;
  readonly #file: string;
  #db: Promise<SqliteStatements> | undefined;
  #closed = false;

  constructor(file: string) {
    this.#file = file;
  }

  decodeCookie(value: string): Promise<SessionCookie | undefined> {
    return decodeIdCookie(value);
  }

  async lock(id: string, waitMs: number): Promise<StoreLock> {
    const db = await this.#open();
    const owner = `${PROCESS_TOKEN}.${++acquisitions}`;
    const deadline = Date.now() + waitMs;
    for (let pause = FIRST_POLL_MS; !(await this.#tryLock(db, id, owner)); pause = Math.min(pause * 2, MAX_POLL_MS)) {
      const left = deadline - Date.now();
      if (left <= 0) throw lockTimeout(this.name, id, waitMs);
      await new Promise((resolve) => setTimeout(resolve, Math.min(pause, left)));
    }
    let released = false;
    // Writes wait for the release and commit with it: two write transactions per request
    // (take the lock row; write and drop it) instead of three.
    const writes: SessionWrite[] = [];
    return {
      load: (cookie) => guardStore(this.name, async () => db.select(cookie.id)),
      save: async (record) => (writes.push(record), record.id),
      delete: async (sessionId) => void writes.push(sessionId),
      release: async () => {
        if (released) return;
        released = true;
        await guardStore(this.name, async () => {
          try {
            db.finish(writes, id, owner);
          } catch (error) {
            db.unlock(id, owner); // the writes are lost (and reported); the session must not stay locked
            throw error;
          }
        });
      },
    };
  }

  async deleteExpired(now: number): Promise<number> {
    const db = await this.#open();
    return guardStore(this.name, async () => db.deleteExpired(now));
  }

  async close(): Promise<void> {
    this.#closed = true;
    const db = await this.#db?.catch(() => undefined);
    this.#db = undefined;
    db?.close();
  }

  /** Takes the lock row, or frees it when its holder is dead; true when the lock is ours. */
  async #tryLock(db: SqliteStatements, id: string, owner: string): Promise<boolean> {
    return guardStore(this.name, async () => {
      for (;;) {
        if (db.tryLock(id, owner, PROCESS_TOKEN)) return true;
        const holder = db.lockHolder(id);
        if (holder === undefined || !isAbandoned(holder)) return false;
        // Only the abandoned owner's row: a racing waiter may already have taken the lock.
        db.unlock(id, holder.owner);
      }
    });
  }

  #open(): Promise<SqliteStatements> {
    if (this.#closed) return Promise.reject(storeUnavailable(this.name, new Error("the store is closed")));
    this.#db ??= this.#connect().catch((error: unknown) => {
      this.#db = undefined; // the next request tries again: the disk may be back
      throw storeUnavailable(this.name, error);
    });
    return this.#db;
  }

  async #connect(): Promise<SqliteStatements> {
    mkdirSync(dirname(this.#file), { recursive: true, mode: 0o700 });
    closeSync(openSync(this.#file, "a", 0o600)); // session data is private; SQLite's -wal/-shm copy this mode
    const sqlite = new Database(this.#file, { timeout: BUSY_TIMEOUT_MS });
    try {
      sqlite.pragma("journal_mode = WAL");
      sqlite.pragma("synchronous = NORMAL");
      if (!isMigrated(sqlite)) {
        const db = new Kysely<SessionDatabase>({ dialect: new SqliteDialect({ database: sqlite }) });
        await migrateInTurn(this.#file, sqlite, db);
      }
      return new SqliteStatements(sqlite);
    } catch (error) {
      sqlite.close();
      throw error;
    }
  }
}

const MIGRATIONS = { ...SESSIONS_MIGRATIONS, ...SESSION_LOCKS_MIGRATIONS };

/** Migrations running in this process, per file (see migrateInTurn). */
const migrating = new Map<string, Promise<void>>();

/**
 * better-sqlite3 waits for a busy database synchronously, blocking the event loop. A write
 * transaction held across awaits (the migrator's) would therefore stall any other store
 * instance of this process on the same file until the busy timeout. So instances of one
 * process migrate a file one after the other, and a migrated file is never migrated again.
 */
async function migrateInTurn(file: string, sqlite: Database.Database, db: Kysely<SessionDatabase>): Promise<void> {
  const migrate = async () => {
    if (!isMigrated(sqlite)) await migrateExclusively(sqlite, db); // the previous turn may have done it
  };
  const turn = (migrating.get(file) ?? Promise.resolve()).catch(() => undefined).then(migrate);
  migrating.set(file, turn);
  try {
    await turn;
  } finally {
    if (migrating.get(file) === turn) migrating.delete(file);
  }
}

/**
 * kysely takes no cross-process migration lock on SQLite (kysely#729): an IMMEDIATE
 * transaction around the migrator makes racing processes run it one after the other, and
 * the later one then finds nothing left to do.
 */
async function migrateExclusively(sqlite: Database.Database, db: Kysely<SessionDatabase>): Promise<void> {
  sqlite.exec("BEGIN IMMEDIATE");
  try {
    await migrateSessionTables(db, MIGRATIONS);
    sqlite.exec("COMMIT");
  } finally {
    if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
  }
}

/** True when every migration is recorded: read without taking the write lock. */
function isMigrated(sqlite: Database.Database): boolean {
  const table = sqlite
    .prepare("select 1 from sqlite_master where type = 'table' and name = 'tsmod_session_migrations'")
    .get();
  if (table === undefined) return false;
  const done = new Set(sqlite.prepare("select name from tsmod_session_migrations").pluck().all());
  return Object.keys(MIGRATIONS).every((name) => done.has(name));
}

function isAbandoned(holder: { pid: number; process: string }): boolean {
  if (holder.pid === process.pid) return holder.process !== PROCESS_TOKEN;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code !== "EPERM";
  }
}
