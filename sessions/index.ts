export { getSession } from "./get-session";
export type { JsonValue } from "./json-value";
export { Session } from "./session";
export {
  DEFAULT_COOKIE_NAME,
  DEFAULT_LOCK_TIMEOUT_SECONDS,
  DEFAULT_TIMEOUT_SECONDS,
  readSessionConfig,
  STORE_TYPES,
  type SessionConfig,
} from "./session-config";
export { isValidSessionId, newSessionId } from "./session-id";
export { type Clock, SessionManager, type SessionManagerOptions } from "./session-manager";
export type { SessionRequest } from "./session-request";
export type { SessionCookie, SessionRecord, SessionStore, StoreCapabilities, StoreLock } from "./session-store";
export { CookieStore } from "./stores/cookie-store";
export { SHIPPED_STORES, type StoreEnvironment, type SessionStoreProvider } from "./stores/create-store";
export { MemoryStore } from "./stores/memory-store";
export type { PostgresStoreOptions } from "./stores/postgres-store";
export { createSessionsModule, sessionsModule } from "./sessions-module";
export type { RedisStoreOptions } from "./stores/redis-store";
