import { type ColumnType, type Kysely, type Migration, Migrator } from "kysely";

/** Milliseconds since the epoch in a BIGINT: pg returns it as a string, SQLite as a number. */
type Millis = ColumnType<number | string, number, number>;

interface SessionsTable {
  id: string;
  data: string;
  created: Millis;
  accessed: Millis;
  timeout: number;
  /** accessed + timeout, indexed so cleanup never scans the whole table. */
  expires: Millis;
}

/** SQLite's cross-process session locks (PostgreSQL uses advisory locks instead). */
export interface SessionLocksTable {
  id: string;
  /** Random per acquisition, so only the holder's release deletes the row. */
  owner: string;
  pid: number;
  /** Random per loaded library: tells a live holder from a dead one that had our pid. */
  process: string;
}

export interface SessionDatabase {
  tsmod_sessions: SessionsTable;
  tsmod_session_locks: SessionLocksTable;
}

export type SessionDb = Kysely<SessionDatabase>;

/**
 * The schema as kysely migrations. Every step is IF NOT EXISTS so a process that lost a
 * start-up race re-runs it harmlessly. The migration tables have their own names so an
 * application's own kysely migrations in the same database are never mixed with ours.
 */
export const SESSIONS_MIGRATIONS: Record<string, Migration> = {
  "2025_06_01_001_sessions": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("tsmod_sessions")
        .ifNotExists()
        .addColumn("id", "varchar(64)", (c) => c.primaryKey())
        .addColumn("data", "text", (c) => c.notNull())
        .addColumn("created", "bigint", (c) => c.notNull())
        .addColumn("accessed", "bigint", (c) => c.notNull())
        .addColumn("timeout", "integer", (c) => c.notNull())
        .addColumn("expires", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("tsmod_sessions_expires")
        .ifNotExists()
        .on("tsmod_sessions")
        .column("expires")
        .execute();
    },
  },
};

export const SESSION_LOCKS_MIGRATIONS: Record<string, Migration> = {
  "2025_06_01_002_session_locks": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("tsmod_session_locks")
        .ifNotExists()
        .addColumn("id", "varchar(64)", (c) => c.primaryKey())
        .addColumn("owner", "varchar(64)", (c) => c.notNull())
        .addColumn("pid", "integer", (c) => c.notNull())
        .addColumn("process", "varchar(64)", (c) => c.notNull())
        .execute();
    },
  },
};

/**
 * `schema` (PostgreSQL) is the schema the tables live in: the migrator creates it if missing and
 * looks for its own tables there only. Without it kysely takes a migration table of that name in
 * ANY schema of the database as ours, so a second site's schema would never get its tables.
 */
export async function migrateSessionTables(
  db: SessionDb,
  migrations: Record<string, Migration>,
  schema?: string,
): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: "tsmod_session_migrations",
    migrationLockTableName: "tsmod_session_migration_lock",
    migrationTableSchema: schema,
  });
  const { error } = await migrator.migrateToLatest();
  if (error !== undefined) throw error;
}

// PostgreSQL's per-request statements are in postgres-store.ts, SQLite's in sqlite-statements.ts.

export async function deleteExpiredSessions(db: SessionDb, now: number): Promise<number> {
  const result = await db.deleteFrom("tsmod_sessions").where("expires", "<", now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
