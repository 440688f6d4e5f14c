import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
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

/** Where a config's sessions live; configs with the same location share one store (and pool). */
export function storeLocation(config: SessionConfig, env: StoreEnvironment): string {
  switch (config.type) {
    case "memory":
      return "memory";
    case "sqlite":
      return `sqlite:${sqliteFile(config, env)}`;
    case "postgres":
      return `postgres:${config.database}#${config.schema ?? ""}`;
    case "cookie":
      return `cookie:${config.secret?.join(" ")}`;
  }
}

/** Opens nothing yet: stores connect on first use, so a bad database fails requests, not start-up. */
export function createStore(config: SessionConfig, env: StoreEnvironment): SessionStore {
  switch (config.type) {
    case "memory":
      return new MemoryStore();
    // The SQL stores are loaded on first use: kysely, pg and better-sqlite3 cost ~30 MB of
    // memory that a server using the memory or cookie store (or none) should not carry.
    case "sqlite": {
      const { SqliteStore } = require("./sqlite-store") as typeof import("./sqlite-store");
      return new SqliteStore(sqliteFile(config, env));
    }
    case "postgres": {
      // readSessionConfig guarantees the URL and the secret for these types.
      const { PostgresStore } = require("./postgres-store") as typeof import("./postgres-store");
      return new PostgresStore({ connectionString: config.database as string, schema: config.schema, log: env.log });
    }
    case "cookie":
      return new CookieStore(config.secret as readonly string[]);
  }
}

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
