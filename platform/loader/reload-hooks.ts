import { isThenable } from "../maybe-promise";

/** How a failing hook is reported: the hook's name and what it threw. */
export type HookFailure = (hook: string, err: unknown) => void;

/**
 * The state hand-over when a module is replaced: the new module's `__reload__(previous)` runs
 * first, so it can take over caches or connections, then the old module's `__unload__()`
 * closes what it still owns. A hook that throws (or rejects) is reported and does not stop
 * the other one: the new module serves either way.
 */
export function handOver(next: Record<string, unknown>, previous: Record<string, unknown>, failed: HookFailure): void {
  callHook(next, "__reload__", [previous], failed);
  callHook(previous, "__unload__", [], failed);
}

/** The old module's `__unload__()`, for a module dropped with no successor (server close). */
export function unloadModule(exports: Record<string, unknown>, failed: HookFailure): void {
  callHook(exports, "__unload__", [], failed);
}

function callHook(exports: Record<string, unknown>, name: string, args: unknown[], failed: HookFailure): void {
  // JSON data and `module.exports = null` are exports too, with no hooks.
  if ((typeof exports !== "object" && typeof exports !== "function") || exports === null) return;
  const fn = exports[name];
  if (typeof fn !== "function") return;
  try {
    const result: unknown = fn.apply(exports, args);
    if (isThenable(result)) result.then(undefined, (e: unknown) => failed(name, e));
  } catch (e) {
    failed(name, e);
  }
}
