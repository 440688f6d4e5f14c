import type * as KyselyPackage from "kysely";
import type { ColumnType, Generated, Kysely, Migration } from "kysely";
import { lazyModule } from "../../platform";

/** kysely, loaded with the first database opened: sites without one pay nothing at start-up. */
export const kysely = lazyModule<typeof KyselyPackage>("kysely");

/** Milliseconds since the epoch in a BIGINT: pg returns it as a string, SQLite as a number. */
type Millis = ColumnType<number | string, number, number>;

interface UsersTable {
  name: string;
  /** `$scrypt$ln=..,r=..,p=..$salt$hash` (password-hash.ts). */
  hash: string;
  /** 0 or 1: a disabled user's password is refused without being checked. */
  disabled: number;
  created: Millis;
  changed: Millis;
}

interface UserGroupsTable {
  group_name: string;
  user_name: string;
}

/**
 * One row per change to a user (password, disabled flag, groups, deletion): every process
 * reads the rows after the last it saw and drops those users from its credential cache.
 */
interface UserChangesTable {
  seq: Generated<number | string>;
  name: string;
  at: Millis;
}

export interface UserDatabaseTables {
  tsmod_users: UsersTable;
  tsmod_user_groups: UserGroupsTable;
  tsmod_user_changes: UserChangesTable;
}

export type UserDb = Kysely<UserDatabaseTables>;
export type Dialect = "sqlite" | "postgres";

/** The schema as kysely migrations; IF NOT EXISTS everywhere, so a process losing a start-up race re-runs harmlessly. */
function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    "2025_07_01_001_users": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("tsmod_users")
          .ifNotExists()
          .addColumn("name", "varchar(255)", (c) => c.primaryKey())
          .addColumn("hash", "varchar(255)", (c) => c.notNull())
          .addColumn("disabled", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("created", "bigint", (c) => c.notNull())
          .addColumn("changed", "bigint", (c) => c.notNull())
          .execute();
        await db.schema
          .createTable("tsmod_user_groups")
          .ifNotExists()
          .addColumn("group_name", "varchar(255)", (c) => c.notNull())
          .addColumn("user_name", "varchar(255)", (c) => c.notNull().references("tsmod_users.name").onDelete("cascade"))
          .addPrimaryKeyConstraint("tsmod_user_groups_pk", ["user_name", "group_name"])
          .execute();
        await db.schema
          .createTable("tsmod_user_changes")
          .ifNotExists()
          .addColumn("seq", dialect === "postgres" ? "bigserial" : "integer", (c) => (dialect === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement()))
          .addColumn("name", "varchar(255)", (c) => c.notNull())
          .addColumn("at", "bigint", (c) => c.notNull())
          .execute();
      },
    },
  };
}

/** The migration tables have their own names, apart from an application's own kysely migrations. */
export async function migrateUserTables(db: UserDb, dialect: Dialect, schema?: string): Promise<void> {
  const migrator = new (kysely().Migrator)({
    db,
    provider: { getMigrations: async () => migrations(dialect) },
    migrationTableName: "tsmod_user_migrations",
    migrationLockTableName: "tsmod_user_migration_lock",
    migrationTableSchema: schema,
  });
  const { error } = await migrator.migrateToLatest();
  if (error !== undefined) throw error;
}
