import { APLOG_ERR } from "../constants";
import type { ErrorLog } from "./error-log";

let current: ErrorLog | null = null;

/** Makes `log` the one `logError` without a request writes to (the configuration now serving). */
export function useProcessLog(log: ErrorLog): void {
  current = log;
}

/** Forgets `log` when it retires, unless a newer configuration's log has taken its place. */
export function retireProcessLog(log: ErrorLog): void {
  if (current === log) current = null;
}

/**
 * mod_python's `apache.log_error`: a message for the main server's error log from code that
 * has no request (module start-up, timers, server cleanups); stderr before any server runs.
 */
export function logError(message: string, level: number = APLOG_ERR): void {
  if (current) current.log(message, level || APLOG_ERR);
  else process.stderr.write(`tsmod: ${message}\n`);
}
