import { DECLINED, DONE, OK } from "../constants";
import type { HandlerEntry } from "../config/model";
import { ErrorCode, TsmodError } from "../errors";
import { findHandlerModule, isBuiltinName } from "../loader";
import type { Request } from "../request";
import type { PhaseSpec } from "./phase-table";

/** Returned for a `TsHandlerModule` entry whose module lacks the phase's function. */
export const SKIPPED = Symbol("skipped");

export type HandlerResult = number | typeof SKIPPED;

export function describeEntry(entry: HandlerEntry): string {
  return entry.func ? `${entry.module}::${entry.func}` : entry.module;
}

/** Loads the entry's module in the request's interpreter, finds the function and calls it. */
export async function callHandler(req: Request, phase: PhaseSpec, entry: HandlerEntry): Promise<HandlerResult> {
  const moduleExports = loadModule(req, entry);
  const name = entry.func ?? phase.defaultFunction;
  const fn = resolveObject(req, moduleExports, name, entry);
  if (fn === undefined) {
    if (entry.silent) return SKIPPED;
    throw new TsmodError(ErrorCode.HANDLER_NOT_FOUND, `module '${entry.module}' contains no '${name}'`);
  }
  if (typeof fn !== "function") {
    throw new TsmodError(ErrorCode.HANDLER_NOT_CALLABLE, `'${describeEntry(entry)}' (${name}) is not a function but ${fn === null ? "null" : typeof fn}`);
  }
  const result: unknown = await (fn as (r: Request) => unknown)(req);
  if (!isResult(result)) {
    const shown = typeof result === "string" ? JSON.stringify(result.slice(0, 40)) : String(result);
    throw new TsmodError(
      ErrorCode.HANDLER_BAD_RESULT,
      `handler '${describeEntry(entry)}' in phase ${phase.directive} returned ${shown}, not a result (OK, DECLINED, DONE or an HTTP status)`,
    );
  }
  return result;
}

function isResult(value: unknown): value is number {
  return (
    typeof value === "number" &&
    Number.isInteger(value) &&
    (value === OK || value === DECLINED || value === DONE || (value >= 100 && value <= 599))
  );
}

function loadModule(req: Request, entry: HandlerEntry): Record<string, unknown> {
  const registry = req._state.runtime.registry(req.interpreter);
  if (isBuiltinName(entry.module)) return registry.builtin(entry.module) as Record<string, unknown>;
  const dirs = searchDirs(req, entry);
  const key = dirs.join("\0") + "\0" + entry.module;
  const file = registry.resolveCached(key, () => findHandlerModule(entry.module, dirs));
  if (!file) throw new TsmodError(ErrorCode.MODULE_NOT_FOUND, `handler module '${entry.module}' not found (looked in ${dirs.join(", ")})`);
  return registry.load(file);
}

function searchDirs(req: Request, entry: HandlerEntry): string[] {
  const dirs: string[] = [];
  if (entry.directory) dirs.push(entry.directory);
  for (const d of req._state.dir.tsPath ?? []) dirs.push(d);
  dirs.push(req.server.documentRoot, req.server.serverRoot);
  return dirs;
}

const CLASS_SOURCE = /^class[\s{]/;

/**
 * Resolves a dotted name left to right; when a step passes through a class, the class is
 * instantiated with the request and the walk continues on the instance (mod_python's
 * `resolve_object`). Only own properties and class methods are followed.
 */
function resolveObject(req: Request, root: Record<string, unknown>, dotted: string, entry: HandlerEntry): unknown {
  let obj: unknown = root;
  const parts = dotted.split(".");
  for (let i = 0; i < parts.length; i++) {
    if (i > 0 && typeof obj === "function" && CLASS_SOURCE.test(Function.prototype.toString.call(obj))) {
      obj = new (obj as new (r: Request) => unknown)(req);
    }
    if (obj === null || (typeof obj !== "object" && typeof obj !== "function")) {
      throw new TsmodError(ErrorCode.HANDLER_NOT_FOUND, `cannot resolve '${dotted}' in module '${entry.module}'`);
    }
    const key = parts[i];
    if (!(key in (obj as object)) || key === "__proto__" || key === "constructor" || key === "prototype") return undefined;
    obj = (obj as Record<string, unknown>)[key];
  }
  return obj;
}
