import { ErrorCode, TsmodError, configuredSecret } from "../platform";
import { isCookieAttributeValue, isCookieName } from "./session-cookie";

/** The store types tsmod ships; modules may provide more (`providers.sessionStore`). */
export const STORE_TYPES: readonly string[] = ["memory", "sqlite", "postgres", "cookie", "redis"];

/** The session settings of one request, read from its TsOptions. */
export interface SessionConfig {
  /** tsmod.session.type (default sqlite): a session store provider's name. */
  readonly type: string;
  /** tsmod.session.database: SQLite file path or PostgreSQL URL. */
  readonly database: string | undefined;
  /** tsmod.session.url: the Redis server (redis:// or rediss:// URL). */
  readonly url: string | undefined;
  /** tsmod.session.key_prefix: Redis keys of the sessions start with it (default "tsmod:session:"). */
  readonly keyPrefix: string;
  /** tsmod.session.schema: PostgreSQL schema of the session tables (created if missing). */
  readonly schema: string | undefined;
  /** tsmod.session.database_directory: folder of the SQLite file when no database is given. */
  readonly databaseDirectory: string | undefined;
  /** tsmod.session.cookie_name (default tsmodsid). */
  readonly cookieName: string;
  /** tsmod.session.timeout in seconds (default 1800). */
  readonly timeout: number;
  /** tsmod.session.lock_timeout, converted to milliseconds (default 10 s). */
  readonly lockTimeoutMs: number;
  /** tsmod.session.application_path (default /). */
  readonly path: string;
  /** tsmod.session.application_domain (default: none, i.e. the request's host only). */
  readonly domain: string | undefined;
  /** tsmod.session.secure: mark the cookie Secure even on plain HTTP (behind a TLS proxy). */
  readonly secure: boolean;
  /** tsmod.secret or tsmod.secret_file: keys for the cookie store's seals (the first seals, all unseal). */
  readonly secret: readonly string[] | undefined;
}

export const DEFAULT_COOKIE_NAME = "tsmodsid";
export const DEFAULT_TIMEOUT_SECONDS = 1800;
export const DEFAULT_KEY_PREFIX = "tsmod:session:";
export const DEFAULT_LOCK_TIMEOUT_SECONDS = 10;
/** An unquoted PostgreSQL identifier: safe in search_path and in `create schema`. */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
/** iron's own minimum password length. */
export const MIN_SECRET_LENGTH = 32;

type Options = { get(name: string): string | undefined };

/** `storeTypes`: the session store providers loaded (the shipped ones by default). */
export function readSessionConfig(options: Options, storeTypes: readonly string[] = STORE_TYPES): SessionConfig {
  const read = (name: string): string | undefined => {
    const value = options.get(name)?.trim();
    return value === "" ? undefined : value;
  };
  const type = parseType(read("tsmod.session.type"), storeTypes);
  const database = read("tsmod.session.database");
  let secret: readonly string[] | undefined;
  try {
    secret = configuredSecret(options);
  } catch (e) {
    fail("tsmod.secret_file", `cannot be used: ${(e as Error).message}`);
  }
  if (type === "postgres" && database === undefined) {
    fail("tsmod.session.database", "is required for tsmod.session.type postgres (a postgres:// URL)");
  }
  if (type === "postgres" && !/^postgres(ql)?:\/\//.test(database ?? "")) {
    fail("tsmod.session.database", `must be a postgres:// URL for tsmod.session.type postgres`);
  }
  if (type === "cookie" && (!secret?.length || secret.some((key) => key.length < MIN_SECRET_LENGTH))) {
    fail("tsmod.secret", `must be set to at least ${MIN_SECRET_LENGTH} characters for tsmod.session.type cookie (every key, when several rotate; or use tsmod.secret_file)`);
  }
  const url = read("tsmod.session.url");
  if (type === "redis" && !/^rediss?:\/\/\S*$/.test(url ?? "")) {
    fail("tsmod.session.url", `must be a redis:// or rediss:// URL for tsmod.session.type redis${url === undefined ? "" : `, got "${url}"`}`);
  }
  const keyPrefix = read("tsmod.session.key_prefix") ?? DEFAULT_KEY_PREFIX;
  if (/\s/.test(keyPrefix)) fail("tsmod.session.key_prefix", `must not contain spaces, got "${keyPrefix}"`);
  const schema = read("tsmod.session.schema");
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    fail("tsmod.session.schema", `must be a lower-case PostgreSQL name (a-z, 0-9, _), got "${schema}"`);
  }
  const cookieName = read("tsmod.session.cookie_name") ?? DEFAULT_COOKIE_NAME;
  if (!isCookieName(cookieName)) fail("tsmod.session.cookie_name", `is not a valid cookie name: "${cookieName}"`);
  const path = read("tsmod.session.application_path") ?? "/";
  if (!path.startsWith("/") || !isCookieAttributeValue(path)) {
    fail("tsmod.session.application_path", `must be a URL path starting with /, got "${path}"`);
  }
  const domain = read("tsmod.session.application_domain");
  if (domain !== undefined && !isCookieAttributeValue(domain)) {
    fail("tsmod.session.application_domain", `is not a valid cookie domain: "${domain}"`);
  }
  return {
    type,
    database,
    url,
    keyPrefix,
    schema,
    databaseDirectory: read("tsmod.session.database_directory"),
    cookieName,
    timeout: parseSeconds("tsmod.session.timeout", read("tsmod.session.timeout"), DEFAULT_TIMEOUT_SECONDS, true),
    lockTimeoutMs:
      parseSeconds("tsmod.session.lock_timeout", read("tsmod.session.lock_timeout"), DEFAULT_LOCK_TIMEOUT_SECONDS, false) *
      1000,
    path,
    domain,
    secure: parseFlag("tsmod.session.secure", read("tsmod.session.secure")),
    secret,
  };
}

function parseType(value: string | undefined, known: readonly string[]): string {
  if (value === undefined) return "sqlite";
  const type = value.toLowerCase();
  if (known.includes(type)) return type;
  return fail("tsmod.session.type", `must be one of ${known.join(", ")}, got "${value}"`);
}

function parseSeconds(name: string, value: string | undefined, fallback: number, whole: boolean): number {
  if (value === undefined) return fallback;
  const seconds = Number(value);
  const valid = /^\d+(\.\d+)?$/.test(value) && seconds > 0 && (!whole || Number.isInteger(seconds));
  if (!valid) fail(name, `must be a positive ${whole ? "whole " : ""}number of seconds, got "${value}"`);
  return seconds;
}

/** mod_python's true_or_false, plus Apache's On/Off. */
function parseFlag(name: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  const flag = value.toLowerCase();
  if (["on", "yes", "true", "1"].includes(flag)) return true;
  if (["off", "no", "false", "0"].includes(flag)) return false;
  return fail(name, `must be On or Off, got "${value}"`);
}

function fail(option: string, problem: string): never {
  throw new TsmodError(ErrorCode.SESSION_CONFIG, `TsOption ${option} ${problem}`);
}
