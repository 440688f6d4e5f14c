import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadOptionalPackage } from "../../platform";
import type { SessionConfig } from "../session-config";
import type { SessionStore } from "../session-store";
import { CookieStore } from "./cookie-store";
import { MemoryStore } from "./memory-store";

export const SQLITE_FILE_NAME = "tsmod-sessions.sqlite";

/** Server-wide facts the stores need besides the per-request options. */
export interface StoreEnvironment {
  /** Relative database paths resolve against it (ServerRoot). */
  readonly serverRoot: string;
  /** Folder of the SQLite file when no tsmod.session.database(_directory) is set. */
  readonly dataDirectory: string | undefined;
  readonly log: (message: string) => void;
}

/**
 * A kind of session store (`TsOption tsmod.session.type NAME`), as a module provides it: where a
 * configuration's sessions live (configurations naming the same place share one store and its
 * pool) and how to open that store (lazily: a bad database fails requests, not start-up).
 */
export interface SessionStoreProvider {
  location(config: SessionConfig, env: StoreEnvironment): string;
  create(config: SessionConfig, env: StoreEnvironment): SessionStore;
}

/**
 * The stores tsmod ships. The SQL and Redis ones are loaded on first use: kysely, pg,
 * better-sqlite3 and ioredis cost ~30 MB of memory that a server using the memory or cookie
 * store (or none) should not carry.
 */
export const SHIPPED_STORES: Readonly<Record<"memory" | "sqlite" | "postgres" | "cookie" | "redis", SessionStoreProvider>> = {
  memory: { location: () => "memory", create: () => new MemoryStore() },
  sqlite: {
    location: (config, env) => `sqlite:${sqliteFile(config, env)}`,
    create(config, env) {
      // better-sqlite3 is an optional peer dependency: installed by the sites that use it.
      const { SqliteStore } = loadOptionalPackage(() => require("./sqlite-store") as typeof import("./sqlite-store"), "better-sqlite3", "TsOption tsmod.session.type sqlite");
      return new SqliteStore(sqliteFile(config, env));
    },
  },
  postgres: {
    location: (config) => `postgres:${config.database}#${config.schema ?? ""}`,
    create(config, env) {
      // readSessionConfig guarantees the URL for this type.
      const { PostgresStore } = loadOptionalPackage(() => require("./postgres-store") as typeof import("./postgres-store"), "pg", "TsOption tsmod.session.type postgres");
      return new PostgresStore({ connectionString: config.database as string, schema: config.schema, log: env.log });
    },
  },
  cookie: {
    location: (config) => `cookie:${config.secret?.join(" ")}`,
    // readSessionConfig guarantees the secret for this type.
    create: (config) => new CookieStore(config.secret as readonly string[]),
  },
  redis: {
    location: (config) => `redis:${config.url}#${config.keyPrefix}`,
    create(config, env) {
      // readSessionConfig guarantees the URL for this type.
      const { RedisStore } = require("./redis-store") as typeof import("./redis-store");
      return new RedisStore({ url: config.url as string, keyPrefix: config.keyPrefix, log: env.log });
    },
  },
};

function sqliteFile(config: SessionConfig, env: StoreEnvironment): string {
  if (config.database !== undefined) return resolve(env.serverRoot, config.database);
  const directory =
    config.databaseDirectory === undefined
      ? (env.dataDirectory ?? privateTempDirectory())
      : resolve(env.serverRoot, config.databaseDirectory);
  return join(directory, SQLITE_FILE_NAME);
}

/** Per user, created 0700: unlike mod_python's sessions, never readable by others in /tmp. */
function privateTempDirectory(): string {
  return join(tmpdir(), `tsmod-sessions-${process.getuid?.() ?? "user"}`);
}
