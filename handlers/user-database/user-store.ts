import { closeSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import type * as Pg from "pg";
import { lazyModule, type AuthResult } from "../../platform";
import { CredentialCache } from "./credential-cache";
import { DEFAULT_SCRYPT, hashPassword, verifyPassword, type ScryptParams } from "./password-hash";
import { kysely, migrateUserTables, type Dialect, type UserDatabaseTables, type UserDb } from "./schema";

/** Where the users live: a SQLite file (absolute path) or a postgres:// URL, and its schema. */
export interface DatabaseSpec {
  readonly location: string;
  /** PostgreSQL schema of the tables (created if missing). */
  readonly schema?: string;
}

export interface UserInfo {
  readonly name: string;
  readonly disabled: boolean;
  readonly groups: readonly string[];
  readonly created: Date;
  readonly changed: Date;
}

// Loaded with the first database opened, as kysely is.
const pg = lazyModule<typeof Pg>("pg");
const sqlite = lazyModule<typeof BetterSqlite3>("better-sqlite3");

/** How often a process reads other processes' changes: within DESIGN's 2 seconds. */
export const CHANGE_POLL_MS = 1000;
/** Change rows older than this are deleted: every live process has read them long before. */
const CHANGE_KEEP_MS = 10 * 60_000;
const SQLITE_BUSY_TIMEOUT_MS = 5000;
const CONNECT_TIMEOUT_MS = 5000;

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/**
 * The tsmod user database on kysely: users with scrypt hashes, groups, and the change log that
 * keeps every process's credential cache honest. Opened (and migrated) on first use.
 */
export class UserStore {
  readonly cache = new CredentialCache();
  private readonly db: UserDb;
  private readonly dialect: Dialect;
  private ready: Promise<void> | undefined;
  /** The last change row this process has applied to its cache. */
  private seenSeq = -1;
  private poller: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(
    readonly spec: DatabaseSpec,
    private readonly log: (message: string) => void = () => undefined,
    /** The cost of new hashes (`tsmod.auth.scrypt_cost`); rows keep the cost they were made with. */
    private readonly params: ScryptParams = DEFAULT_SCRYPT,
  ) {
    if (isPostgresUrl(spec.location)) {
      this.dialect = "postgres";
      if (spec.schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(spec.schema)) throw new Error(`invalid PostgreSQL schema name "${spec.schema}"`);
      const pool = new (pg().Pool)({
        connectionString: spec.location,
        max: 4,
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
        keepAlive: true,
        options: spec.schema === undefined ? undefined : `-c search_path=${spec.schema}`,
      });
      pool.on("connect", (client) => client.on("error", (error) => this.log(`tsmod user database: PostgreSQL connection failed: ${error.message}`)));
      pool.on("error", () => undefined);
      this.db = new (kysely().Kysely)<UserDatabaseTables>({ dialect: new (kysely().PostgresDialect)({ pool }) });
    } else {
      this.dialect = "sqlite";
      mkdirSync(dirname(spec.location), { recursive: true });
      closeSync(openSync(spec.location, "a", 0o600)); // password hashes are private
      const database = new (sqlite())(spec.location, { timeout: SQLITE_BUSY_TIMEOUT_MS });
      database.pragma("journal_mode = WAL");
      database.pragma("foreign_keys = ON");
      this.db = new (kysely().Kysely)<UserDatabaseTables>({ dialect: new (kysely().SqliteDialect)({ database }) });
    }
  }

  /** Starts reading other processes' changes every CHANGE_POLL_MS (a serving process; the CLI does not). */
  watchChanges(): void {
    if (this.poller) return;
    this.poller = setInterval(() => void this.pollChanges(), CHANGE_POLL_MS);
    this.poller.unref();
  }

  private open(): Promise<void> {
    this.ready ??= (async () => {
      if (this.dialect === "postgres" && this.spec.schema) await this.db.schema.createSchema(this.spec.schema).ifNotExists().execute();
      await migrateUserTables(this.db, this.dialect, this.spec.schema);
      const last = await this.db.selectFrom("tsmod_user_changes").select((eb) => eb.fn.max("seq").as("seq")).executeTakeFirst();
      this.seenSeq = Number(last?.seq ?? 0);
    })();
    this.ready.catch(() => (this.ready = undefined));
    return this.ready;
  }

  private async pollChanges(): Promise<void> {
    if (this.polling || this.seenSeq < 0) return;
    this.polling = true;
    try {
      const rows = await this.db.selectFrom("tsmod_user_changes").select(["seq", "name"]).where("seq", ">", this.seenSeq).orderBy("seq").limit(10_000).execute();
      if (rows.length === 10_000) this.cache.clear();
      for (const row of rows) {
        this.cache.drop(row.name);
        this.seenSeq = Math.max(this.seenSeq, Number(row.seq));
      }
    } catch (e) {
      this.log(`tsmod user database: reading changes failed: ${(e as Error).message}`);
    } finally {
      this.polling = false;
    }
  }

  /** Apache's authn answer for a name and password; verified passwords are cached for `cacheMs`. */
  async checkPassword(name: string, password: string, cacheMs: number): Promise<AuthResult> {
    const now = Date.now();
    if (cacheMs > 0 && this.cache.hasPassword(name, password, cacheMs, now)) return "granted";
    await this.open();
    const row = await this.db.selectFrom("tsmod_users").select(["hash", "disabled"]).where("name", "=", name).executeTakeFirst();
    if (!row) {
      // As long as a real check, so response times do not tell which names exist.
      await hashPassword(password, this.params);
      return "unknown";
    }
    if (!(await verifyPassword(password, row.hash)) || Number(row.disabled) !== 0) return "denied";
    if (cacheMs > 0) this.cache.rememberPassword(name, password, now);
    return "granted";
  }

  /** The user's groups; undefined when there is no such (enabled) user. */
  async groups(name: string, cacheMs: number): Promise<readonly string[] | undefined> {
    const now = Date.now();
    const cached = cacheMs > 0 ? this.cache.groups(name, cacheMs, now) : undefined;
    if (cached) return cached;
    await this.open();
    const user = await this.db.selectFrom("tsmod_users").select("disabled").where("name", "=", name).executeTakeFirst();
    if (!user || Number(user.disabled) !== 0) return undefined;
    const rows = await this.db.selectFrom("tsmod_user_groups").select("group_name").where("user_name", "=", name).orderBy("group_name").execute();
    const names = rows.map((r) => r.group_name);
    if (cacheMs > 0) this.cache.rememberGroups(name, names, now);
    return names;
  }

  /** Creates the user or changes the password; true when the user was new. */
  async setPassword(name: string, password: string, params: ScryptParams = this.params): Promise<boolean> {
    checkUserName(name);
    const hash = await hashPassword(password, params);
    await this.open();
    const now = Date.now();
    return this.change(name, async (trx) => {
      const updated = await trx.updateTable("tsmod_users").set({ hash, changed: now }).where("name", "=", name).executeTakeFirst();
      if (Number(updated.numUpdatedRows) > 0) return false;
      await trx.insertInto("tsmod_users").values({ name, hash, disabled: 0, created: now, changed: now }).execute();
      return true;
    });
  }

  /** False when there is no such user. */
  async deleteUser(name: string): Promise<boolean> {
    await this.open();
    return this.change(name, async (trx) => {
      await trx.deleteFrom("tsmod_user_groups").where("user_name", "=", name).execute();
      const r = await trx.deleteFrom("tsmod_users").where("name", "=", name).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    });
  }

  /** False when there is no such user. */
  async setDisabled(name: string, disabled: boolean): Promise<boolean> {
    await this.open();
    return this.change(name, async (trx) => {
      const r = await trx.updateTable("tsmod_users").set({ disabled: disabled ? 1 : 0, changed: Date.now() }).where("name", "=", name).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    });
  }

  /** False when there is no such user. */
  async addToGroup(name: string, group: string): Promise<boolean> {
    checkUserName(group, "group");
    await this.open();
    return this.change(name, async (trx) => {
      const user = await trx.selectFrom("tsmod_users").select("name").where("name", "=", name).executeTakeFirst();
      if (!user) return false;
      await trx.insertInto("tsmod_user_groups").values({ user_name: name, group_name: group }).onConflict((oc) => oc.doNothing()).execute();
      return true;
    });
  }

  /** False when the user was not in the group. */
  async removeFromGroup(name: string, group: string): Promise<boolean> {
    await this.open();
    return this.change(name, async (trx) => {
      const r = await trx.deleteFrom("tsmod_user_groups").where("user_name", "=", name).where("group_name", "=", group).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    });
  }

  async list(): Promise<UserInfo[]> {
    await this.open();
    const users = await this.db.selectFrom("tsmod_users").select(["name", "disabled", "created", "changed"]).orderBy("name").execute();
    const groups = await this.db.selectFrom("tsmod_user_groups").select(["user_name", "group_name"]).orderBy("group_name").execute();
    return users.map((u) => ({
      name: u.name,
      disabled: Number(u.disabled) !== 0,
      groups: groups.filter((g) => g.user_name === u.name).map((g) => g.group_name),
      created: new Date(Number(u.created)),
      changed: new Date(Number(u.changed)),
    }));
  }

  /** A change and its change-log row in one transaction; this process's cache forgets the user at once. */
  private async change<T>(name: string, apply: (trx: UserDb) => Promise<T>): Promise<T> {
    const now = Date.now();
    try {
      return await this.db.transaction().execute(async (trx) => {
        const result = await apply(trx);
        await trx.insertInto("tsmod_user_changes").values({ name, at: now }).execute();
        await trx.deleteFrom("tsmod_user_changes").where("at", "<", now - CHANGE_KEEP_MS).execute();
        return result;
      });
    } finally {
      this.cache.drop(name);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.poller);
    this.poller = undefined;
    await this.db.destroy();
  }
}

/** Names go into Basic credentials and `Remote-User` headers: no colon, no control characters. */
function checkUserName(name: string, what = "user"): void {
  if (!name || name.length > 255 || /[:\x00-\x1f\x7f]/.test(name) || name.trim() !== name) {
    throw new RangeError(`invalid ${what} name ${JSON.stringify(name)}: 1-255 characters, no colon, no control characters, no surrounding spaces`);
  }
}
