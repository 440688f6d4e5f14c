import { ErrorCode, TsmodError } from "../platform";

/** 503 naming the store: the request can be retried once the database is back. */
export function storeUnavailable(store: string, cause: unknown): TsmodError {
  if (cause instanceof TsmodError) return cause;
  const reason = cause instanceof Error ? cause.message || cause.name : String(cause);
  const error = new TsmodError(
    ErrorCode.SESSION_STORE_UNAVAILABLE,
    `session store "${store}" is unavailable: ${reason}`,
    503,
  );
  error.cause = cause;
  return error;
}

export function lockTimeout(store: string, id: string, waitMs: number): TsmodError {
  return new TsmodError(
    ErrorCode.SESSION_LOCK_TIMEOUT,
    `session ${id.slice(0, 8)}… in store "${store}" stayed locked by another request for ${waitMs} ms ` +
      "(tsmod.session.lock_timeout)",
    503,
  );
}

/** Runs a store operation, turning any failure that is not already a TsmodError into a 503. */
export async function guardStore<T>(store: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw storeUnavailable(store, error);
  }
}
