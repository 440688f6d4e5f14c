import type { ConfigValues } from "../config";
import { coreDirectives, type HandlerEntry } from "../core";
import { ErrorCode } from "../errors";
import { findHandlerModule, isBuiltinName } from "../loader";
import type { CheckContext } from "../module";

/** A handler the configuration names, with the function its phase calls when it names none. */
export interface HandlerRef {
  readonly entry: HandlerEntry;
  /** Null: only the module is loaded (a `TsImport` without `::function`). */
  readonly defaultFunction: string | null;
}

/**
 * Reports the handlers `refsOf` finds in each place whose module cannot be found: a load-time
 * error, at the section (or server) naming it, wherever the folder is known in advance (not
 * under a `<DirectoryMatch>`, whose folder is the request's). Under `tsmod configtest` each
 * module is also compiled and evaluated, and the function the phase would call looked up.
 * Filters check theirs with it.
 */
export function checkHandlerEntries(ctx: CheckContext, refsOf: (values: ConfigValues) => Iterable<HandlerRef>): void {
  const { config } = ctx;
  const seen = new Set<string>();
  [config.main, ...config.vhosts].forEach((server, i) => {
    const places = [server, ...server.sections.filter((s) => !(s.kind === "directory" && s.regex))];
    for (const place of places) {
      const tsPath = place.values.get(coreDirectives.TsPath) ?? server.values.get(coreDirectives.TsPath) ?? [];
      const dirs = [...tsPath, ctx.servers[i].documentRoot, config.serverRoot];
      for (const ref of refsOf(place.values)) checkHandlerEntry(ctx, ref, dirs, place, seen);
    }
  });
}

function checkHandlerEntry(ctx: CheckContext, ref: HandlerRef, dirs: readonly string[], place: { file: string; line: number }, seen: Set<string>): void {
  const e = ref.entry;
  // A server's top level has no line of its own (0): the directive's line says where.
  const where = place.line === 0 && e.file ? { file: e.file, line: e.line } : place;
  const report = (at: { file: string | null; line: number }, message: string, code: (typeof ErrorCode)[keyof typeof ErrorCode]) => {
    const key = `${at.file}:${at.line}:${message}`;
    if (!seen.has(key)) ctx.report(at.file ?? place.file, at.line, message, code);
    seen.add(key);
  };
  if (isBuiltinName(e.module)) {
    if (!ctx.builtins.has(e.module)) report(where, `no built-in handler module '${e.module}' (have: ${[...ctx.builtins].filter(isBuiltinName).join(", ")})`, ErrorCode.CONFIG_MODULE_NOT_FOUND);
    return;
  }
  const search = [e.directory, ...dirs].filter((d): d is string => !!d);
  const file = findHandlerModule(e.module, search, ctx.config.serverRoot);
  if (!file) {
    report(where, `handler module '${e.module}' not found (looked in ${search.join(", ")})`, ErrorCode.CONFIG_MODULE_NOT_FOUND);
    return;
  }
  if (!ctx.deep) return;
  const at = e.file ? e : place;
  let exports: Record<string, unknown>;
  try {
    exports = ctx.deep.load(file);
  } catch (err) {
    report(at, `handler module '${e.module}' (${file}) fails to load: ${(err as Error).message}`, ErrorCode.MODULE_COMPILE);
    return;
  }
  const name = e.func ?? ref.defaultFunction;
  if (name === null || (e.silent && e.func === null)) return;
  const problem = functionProblem(exports, name);
  if (problem) report(at, `handler '${e.module}${e.func ? "::" + e.func : ""}': ${problem}`, ErrorCode.HANDLER_NOT_FOUND);
}

/**
 * Why `dotted` does not name a function in the exports, or null. A step through a class is
 * taken as the phase would (a static member, else the instance's prototype); a member only an
 * instance gets in its constructor cannot be known before a request, so it is let pass.
 */
function functionProblem(exports: Record<string, unknown>, dotted: string): string | null {
  let obj: unknown = exports;
  const parts = dotted.split(".");
  for (let i = 0; i < parts.length; i++) {
    const key = parts[i];
    const owner = obj as Record<string, unknown>;
    if (i > 0 && typeof obj === "function" && !Object.hasOwn(obj, key) && obj.prototype) {
      if (!(key in (obj.prototype as object))) return null;
      obj = (obj.prototype as Record<string, unknown>)[key];
      continue;
    }
    if (obj === null || (typeof obj !== "object" && typeof obj !== "function") || !(key in owner)) {
      return `the module has no '${parts.slice(0, i + 1).join(".")}'${i === 0 ? ` (exports: ${Object.keys(exports).join(", ") || "none"})` : ""}`;
    }
    obj = owner[key];
  }
  return typeof obj === "function" ? null : `'${dotted}' is ${obj === null ? "null" : typeof obj}, not a function`;
}
