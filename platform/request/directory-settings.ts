import type { Request } from "./request";

/**
 * The request's merged per-directory settings (`TsDebug` → "1"/"0", `TsAutoReload`, ...),
 * keyed by directive name, read-only and not copied: for built-in handlers that read a
 * setting on every request, where `req.getConfig()` would build a table each time.
 */
export function directorySettings(req: Request): ReadonlyMap<string, string> {
  return req._state.dir.settings;
}
