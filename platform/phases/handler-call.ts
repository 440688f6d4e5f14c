import * as fs from "node:fs";
import { DECLINED, DONE, OK } from "../constants";
import type { HandlerEntry, PhaseSpec } from "../core";
import { ErrorCode, TsmodError } from "../errors";
import { isThenable } from "../maybe-promise";
import { findHandlerModule, isBuiltinName, missingExportMessage } from "../loader";
import type { Request } from "../request";

/** Returned for a `TsHandlerModule` entry whose module lacks the phase's function. */
export const SKIPPED = Symbol("skipped");

export type HandlerResult = number | typeof SKIPPED;

export function describeEntry(entry: HandlerEntry): string {
  return entry.func ? `${entry.module}::${entry.func}` : entry.module;
}

/**
 * Loads the entry's module in the request's interpreter and finds its function (`defaultName`
 * when the entry names none); undefined for a silent entry whose module lacks it.
 */
export function resolveHandler(req: Request, entry: HandlerEntry, defaultName: string): ((arg: never) => unknown) | undefined {
  const moduleExports = loadModule(req, entry);
  const name = entry.func ?? defaultName;
  const { value: fn, holder } = resolveObject(req, moduleExports, name, entry);
  if (fn === undefined) {
    if (entry.silent) return undefined;
    throw new TsmodError(ErrorCode.HANDLER_NOT_FOUND, missingExportMessage(entry.module, name, moduleExports));
  }
  if (typeof fn !== "function") {
    throw new TsmodError(ErrorCode.HANDLER_NOT_CALLABLE, `'${describeEntry(entry)}' (${name}) is not a function but ${fn === null ? "null" : typeof fn}`);
  }
  // A method keeps the object it was reached through as `this`.
  return (holder === undefined ? fn : fn.bind(holder)) as (arg: never) => unknown;
}

/**
 * Loads the entry's module in the request's interpreter, finds the function and calls it.
 * A handler that answers synchronously gets its result checked without a promise.
 */
export function callHandler(req: Request, phase: PhaseSpec, entry: HandlerEntry): HandlerResult | Promise<HandlerResult> {
  const fn = resolveHandler(req, entry, phase.defaultFunction) as ((r: Request) => unknown) | undefined;
  if (!fn) return SKIPPED;
  const result: unknown = fn(req);
  return isThenable(result) ? Promise.resolve(result).then((r) => checkedResult(r, phase, entry)) : checkedResult(result, phase, entry);
}

function checkedResult(result: unknown, phase: PhaseSpec, entry: HandlerEntry): number {
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

/**
 * Where an entry's module was found, for the search path it was found with: the path depends
 * only on the entry, the merged TsPath and the server, all fixed per configuration, so the
 * hot path compares three references instead of searching the file system.
 */
interface Resolution {
  readonly tsPath: readonly string[] | undefined;
  readonly server: Request["server"];
  readonly file: string;
}

const resolutions = new WeakMap<HandlerEntry, Resolution>();
const RELOAD_ON = { autoReload: true } as const;
const RELOAD_OFF = { autoReload: false } as const;

/**
 * TsInterpPerDirective (unless TsInterpreter or TsInterpPerDirectory names it): the handler runs
 * in the interpreter named after the folder of the section that names it; one from the server
 * level, in the server's.
 */
function interpreterFor(req: Request, entry: HandlerEntry): string {
  const core = req._state.plan.core;
  if (core.interpPerDirective && core.interpreter === undefined && !core.interpPerDirectory) req.interpreter = entry.directory ?? req.server.serverHostname;
  return req.interpreter;
}

function loadModule(req: Request, entry: HandlerEntry): Record<string, unknown> {
  const registry = req._state.runtime.registry(interpreterFor(req, entry));
  if (isBuiltinName(entry.module)) return registry.builtin(entry.module) as Record<string, unknown>;
  const core = req._state.plan.core;
  const tsPath = core.tsPath;
  const known = resolutions.get(entry);
  const options = core.autoReload ? RELOAD_ON : RELOAD_OFF;
  if (known && known.tsPath === tsPath && known.server === req.server) {
    // Only a module that is not loaded costs a stat: its file may have been deleted (and the
    // name may now resolve elsewhere in the search path).
    if (registry.get(known.file) || fs.existsSync(known.file)) return registry.load(known.file, options);
  }
  const dirs = searchDirs(req, entry);
  const file = findHandlerModule(entry.module, dirs, req.server.serverRoot);
  if (!file) throw new TsmodError(ErrorCode.MODULE_NOT_FOUND, `handler module '${entry.module}' not found (looked in ${dirs.join(", ")})`);
  resolutions.set(entry, { tsPath, server: req.server, file });
  return registry.load(file, options);
}

function searchDirs(req: Request, entry: HandlerEntry): string[] {
  const dirs: string[] = [];
  if (entry.directory) dirs.push(entry.directory);
  for (const d of req._state.plan.core.tsPath ?? []) dirs.push(d);
  dirs.push(req.server.documentRoot, req.server.serverRoot);
  return dirs;
}

const CLASS_SOURCE = /^class[\s{]/;

function isClass(value: unknown): value is new (req: Request) => unknown {
  return typeof value === "function" && CLASS_SOURCE.test(Function.prototype.toString.call(value));
}

/** Names every function has of its own; they never make a class step a static one. */
const FUNCTION_OWN_NAMES: ReadonlySet<string> = new Set(["name", "length", "prototype"]);

/** Whether `cls` (or a class it extends) has a static member `key`. */
function hasStatic(cls: Function, key: string): boolean {
  if (FUNCTION_OWN_NAMES.has(key)) return false;
  for (let c: unknown = cls; isClass(c); c = Object.getPrototypeOf(c)) if (Object.hasOwn(c, key)) return true;
  return false;
}

/**
 * Resolves a dotted name left to right, with the object the last step was taken from (the
 * method's `this`; undefined for a plain export). When a step passes through a class, a
 * static member of that name is taken from the class itself; otherwise the class is
 * instantiated with the request and the walk continues on the instance (mod_python's
 * `resolve_object`). Only own properties and class members are followed.
 */
function resolveObject(req: Request, root: Record<string, unknown>, dotted: string, entry: HandlerEntry): { value: unknown; holder: unknown } {
  // The usual handler name is one plain export: no splitting, no walk.
  if (!dotted.includes(".")) {
    return { value: dotted in root && dotted !== "__proto__" && dotted !== "constructor" && dotted !== "prototype" ? root[dotted] : undefined, holder: undefined };
  }
  let obj: unknown = root;
  let holder: unknown = undefined;
  const parts = dotted.split(".");
  for (let i = 0; i < parts.length; i++) {
    const key = parts[i];
    if (i > 0 && isClass(obj) && !hasStatic(obj, key)) obj = new obj(req);
    if (obj === null || (typeof obj !== "object" && typeof obj !== "function")) {
      throw new TsmodError(ErrorCode.HANDLER_NOT_FOUND, `cannot resolve '${dotted}' in module '${entry.module}'`);
    }
    if (!(key in (obj as object)) || key === "__proto__" || key === "constructor" || key === "prototype") return { value: undefined, holder: undefined };
    holder = obj;
    obj = (obj as Record<string, unknown>)[key];
  }
  return { value: obj, holder };
}
