import type Database from "better-sqlite3";
import { expiresAt, type SessionRecord } from "../session-store";
import type { SessionLocksTable } from "./sql-session-table";

type LockHolder = Pick<SessionLocksTable, "owner" | "pid" | "process">;

/** A record to save, or the id of a session to delete. */
export type SessionWrite = SessionRecord | string;

/**
 * Every statement the SQLite store runs per request, prepared once per connection: SQL built
 * per query (kysely's builder, then SQLite's parser) took over half the server's time in the
 * session benchmark. The schema stays kysely's migrations.
 */
export class SqliteStatements {
  readonly #sqlite: Database.Database;
  readonly #tryLock: Database.Statement<[string, string, number, string]>;
  readonly #lockHolder: Database.Statement<[string], LockHolder>;
  readonly #unlock: Database.Statement<[string, string]>;
  readonly #select: Database.Statement<[string], SessionRecord>;
  readonly #upsert: Database.Statement<[string, string, number, number, number, number]>;
  readonly #delete: Database.Statement<[string]>;
  readonly #deleteExpired: Database.Statement<[number]>;
  /** A lock's writes and its release, in one transaction: one commit instead of one per statement. */
  readonly #finish: (writes: readonly SessionWrite[], id: string, owner: string) => void;

  constructor(sqlite: Database.Database) {
    this.#sqlite = sqlite;
    this.#tryLock = sqlite.prepare(
      "insert into tsmod_session_locks (id, owner, pid, process) values (?, ?, ?, ?) on conflict (id) do nothing",
    );
    this.#lockHolder = sqlite.prepare("select owner, pid, process from tsmod_session_locks where id = ?");
    this.#unlock = sqlite.prepare("delete from tsmod_session_locks where id = ? and owner = ?");
    this.#select = sqlite.prepare("select id, data, created, accessed, timeout from tsmod_sessions where id = ?");
    this.#upsert = sqlite.prepare(
      "insert into tsmod_sessions (id, data, created, accessed, timeout, expires) values (?, ?, ?, ?, ?, ?) " +
        "on conflict (id) do update set data = excluded.data, accessed = excluded.accessed, " +
        "timeout = excluded.timeout, expires = excluded.expires",
    );
    this.#delete = sqlite.prepare("delete from tsmod_sessions where id = ?");
    this.#deleteExpired = sqlite.prepare("delete from tsmod_sessions where expires < ?");
    this.#finish = sqlite.transaction((writes: readonly SessionWrite[], id: string, owner: string) => {
      for (const write of writes) {
        if (typeof write === "string") this.delete(write);
        else this.upsert(write);
      }
      this.unlock(id, owner);
    });
  }

  /** Applies a lock's writes (records to save, ids to delete, in order) and releases it, atomically. */
  finish(writes: readonly SessionWrite[], id: string, owner: string): void {
    this.#finish(writes, id, owner);
  }

  /** Inserts the lock row unless one exists; true when it is ours. */
  tryLock(id: string, owner: string, processToken: string): boolean {
    return this.#tryLock.run(id, owner, process.pid, processToken).changes === 1;
  }

  lockHolder(id: string): LockHolder | undefined {
    return this.#lockHolder.get(id);
  }

  unlock(id: string, owner: string): void {
    this.#unlock.run(id, owner);
  }

  select(id: string): SessionRecord | undefined {
    return this.#select.get(id);
  }

  upsert(record: SessionRecord): void {
    this.#upsert.run(record.id, record.data, record.created, record.accessed, record.timeout, expiresAt(record));
  }

  delete(id: string): void {
    this.#delete.run(id);
  }

  deleteExpired(now: number): number {
    return this.#deleteExpired.run(now).changes;
  }

  close(): void {
    this.#sqlite.close();
  }
}
