import * as path from "node:path";
import type { CheckContext, ConfigValues, CoreDir } from "../../platform";
import { DEFAULT_SCRYPT, checkScryptParams, type ScryptParams } from "./password-hash";
import { isPostgresUrl, type DatabaseSpec } from "./user-store";

/** The user-database settings of a place, from its `TsOption tsmod.auth.*` values. */
export interface UserDatabaseConfig {
  /** `tsmod.auth.database` as written: a path (relative to ServerRoot) or a postgres:// URL. */
  readonly database: string;
  /** `tsmod.auth.schema`: PostgreSQL schema of the tables. */
  readonly schema: string | undefined;
  /** `tsmod.auth.cache_seconds` in milliseconds (default 60 s; 0 = no cache). */
  readonly cacheMs: number;
  /** `tsmod.auth.scrypt_cost` (log2 N) for new password hashes. */
  readonly params: ScryptParams;
}

export const DEFAULT_DATABASE = "data/users.db";
const DEFAULT_CACHE_SECONDS = 60;

type Options = { get(name: string): string | undefined };

export function readUserDatabaseConfig(options: Options): UserDatabaseConfig {
  const read = (name: string) => options.get(name)?.trim() || undefined;
  const cache = read("tsmod.auth.cache_seconds");
  const cacheSeconds = cache === undefined ? DEFAULT_CACHE_SECONDS : Number(cache);
  if (!Number.isFinite(cacheSeconds) || cacheSeconds < 0) throw new RangeError(`TsOption tsmod.auth.cache_seconds must be a number of seconds (0 or more), got "${cache}"`);
  const cost = read("tsmod.auth.scrypt_cost");
  const params = cost === undefined ? DEFAULT_SCRYPT : { ...DEFAULT_SCRYPT, ln: Number(cost) };
  try {
    checkScryptParams(params);
  } catch (e) {
    throw new RangeError(`TsOption tsmod.auth.scrypt_cost: ${(e as Error).message}`);
  }
  return { database: read("tsmod.auth.database") ?? DEFAULT_DATABASE, schema: read("tsmod.auth.schema"), cacheMs: cacheSeconds * 1000, params };
}

/** A place's settings; values `checkUserDatabaseOptions` refused never get this far (the load stops). */
export function dirUserDatabaseConfig(_values: unknown, core: CoreDir): UserDatabaseConfig {
  try {
    return readUserDatabaseConfig(core.options);
  } catch {
    return readUserDatabaseConfig(new Map());
  }
}

function tsOptions(values: ConfigValues): ReadonlyMap<string, string> | undefined {
  for (const [spec, value] of values.entries()) if (spec.name === "TsOption") return value as ReadonlyMap<string, string>;
  return undefined;
}

/** Load-time check: a malformed `tsmod.auth.*` option is an error at its server's or section's FILE:LINE. */
export function checkUserDatabaseOptions(ctx: CheckContext): void {
  for (const server of [ctx.config.main, ...ctx.config.vhosts]) {
    for (const place of [server, ...server.sections]) {
      const options = tsOptions(place.values);
      if (!options) continue;
      try {
        readUserDatabaseConfig(options);
      } catch (e) {
        ctx.report(place.file, place.line, (e as Error).message);
      }
    }
  }
}

/** Where the database is: a postgres:// URL as given, a file path resolved against ServerRoot. */
export function databaseSpec(config: UserDatabaseConfig, serverRoot: string): DatabaseSpec {
  const location = isPostgresUrl(config.database) ? config.database : path.resolve(serverRoot, config.database);
  return { location, schema: config.schema };
}
