import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { PostgresStore } from "../../sessions/stores/postgres-store";

/** The database of the PostgreSQL tests (TSMOD_TEST_PG_URL), or "" when they cannot run. */
export const PG_URL = process.env.TSMOD_TEST_PG_URL ?? "";

/** `describe`, or without TSMOD_TEST_PG_URL `describe.skip`: jest then reports the tests as skipped. */
export const describeWithPostgres: jest.Describe = PG_URL === "" ? describe.skip : describe;

/**
 * A schema name of this run's own: tests never depend on, nor disturb, whatever else lives in
 * the database (the public schema, other runs, other sites).
 */
export function uniqueSchema(prefix = "tsmod_test"): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString("hex")}`;
}

export async function adminQuery<Row>(text: string, values: unknown[] = []): Promise<Row[]> {
  const admin = new Client({ connectionString: PG_URL });
  await admin.connect();
  try {
    return (await admin.query(text, values)).rows as Row[];
  } finally {
    await admin.end();
  }
}

export async function dropSchema(schema: string): Promise<void> {
  await adminQuery(`drop schema if exists "${schema}" cascade`);
}

/** The tables of `schema`, sorted. */
export async function tablesIn(schema: string): Promise<string[]> {
  const rows = await adminQuery<{ table_name: string }>(
    "select table_name from information_schema.tables where table_schema = $1 order by table_name",
    [schema],
  );
  return rows.map((row) => row.table_name);
}

export const SESSION_TABLES = ["tsmod_session_migration_lock", "tsmod_session_migrations", "tsmod_sessions"];

/**
 * Another site's sessions in the same database (the multi-site recipe): a schema of its own
 * holding tsmod's session tables, made by the store itself. Drop it with dropSchema.
 */
export async function createOtherSessionSchema(): Promise<string> {
  const schema = uniqueSchema("tsmod_other_site");
  const store = new PostgresStore({ connectionString: PG_URL, schema, log: (message) => console.warn(message) });
  try {
    await store.deleteExpired(Date.now());
  } finally {
    await store.close();
  }
  return schema;
}
