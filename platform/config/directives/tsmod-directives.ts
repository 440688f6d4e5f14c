import { PHASE_DIRECTIVES } from "../../phases/phase-table";
import type { HandlerEntry } from "../model";
import { Context, OR_ALL, RSRC, flagArg, type ApplyContext, type DirectiveDef } from "./directive-def";

/** Splits `mod[::fn] [mod2 ...] [| .ext ...]` into entries and extensions. */
export function parseHandlerList(args: string[]): { specs: string[]; exts: string[] } {
  const words = args.join(" ").split(/\s+/).filter(Boolean);
  const bar = words.indexOf("|");
  const specs = bar < 0 ? words : words.slice(0, bar);
  const exts = bar < 0 ? [] : words.slice(bar + 1);
  if (specs.length === 0) throw new Error("expects at least one handler module");
  for (const s of specs) parseHandlerSpec(s);
  if (bar >= 0 && exts.length === 0) throw new Error("'|' must be followed by one or more extensions");
  for (const e of exts) if (!/^\.[^\s/]+$/.test(e)) throw new Error(`extension '${e}' must start with a dot`);
  return { specs, exts: exts.map((e) => e.toLowerCase()) };
}

/** `module::fn.attr` → parts; rejects empty names. */
export function parseHandlerSpec(spec: string): { module: string; func: string | null } {
  const sep = spec.indexOf("::");
  const module = sep < 0 ? spec : spec.slice(0, sep);
  const func = sep < 0 ? null : spec.slice(sep + 2);
  if (!module || /\s/.test(module)) throw new Error(`invalid handler '${spec}': empty module name`);
  if (func !== null && !/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(func)) {
    throw new Error(`invalid handler '${spec}': '${func}' is not a function name`);
  }
  return { module, func };
}

export function makeEntry(ctx: Pick<ApplyContext, "handlerDirectory" | "isLocation">, spec: string, silent: boolean): HandlerEntry {
  const { module, func } = parseHandlerSpec(spec);
  return { module, func, directory: ctx.handlerDirectory, isLocation: ctx.isLocation, silent };
}

function appendHandlers(ctx: ApplyContext, key: string, entries: HandlerEntry[]): void {
  const list = ctx.dir.handlers.get(key);
  ctx.dir.handlers.set(key, list ? [...list, ...entries] : entries);
}

/** Post-read and trans run before any section is known, so they are server-level only. */
const SERVER_ONLY_PHASES = new Set(["TsPostReadRequestHandler", "TsTransHandler"]);

const phaseDirectives: DirectiveDef[] = PHASE_DIRECTIVES.map((name) => ({
  name,
  contexts: SERVER_ONLY_PHASES.has(name) ? RSRC : OR_ALL,
  minArgs: 1,
  maxArgs: Infinity,
  apply(ctx, args) {
    const { specs, exts } = parseHandlerList(args);
    if (exts.length && SERVER_ONLY_PHASES.has(name)) {
      throw new Error(`${name} runs before the file is known and takes no '| .ext' list`);
    }
    const entries = specs.map((s) => makeEntry(ctx, s, false));
    if (exts.length === 0) appendHandlers(ctx, name, entries);
    for (const ext of exts) appendHandlers(ctx, name + ext, entries);
  },
}));

/** Stores a flag in the `getConfig()` table, also at server level when outside sections. */
function setSetting(ctx: ApplyContext, key: string, value: string): void {
  ctx.dir.settings.set(key, value);
  ctx.serverLevel?.settings.set(key, value);
}

function flagDirective(name: string): DirectiveDef {
  return {
    name,
    contexts: OR_ALL,
    minArgs: 1,
    maxArgs: 1,
    apply(ctx, [v]) {
      setSetting(ctx, name, flagArg(name, v) ? "1" : "0");
    },
  };
}

export const tsmodDirectives: DirectiveDef[] = [
  ...phaseDirectives,
  {
    name: "TsHandlerModule",
    contexts: OR_ALL,
    minArgs: 1,
    maxArgs: 1,
    apply(ctx, [spec]) {
      if (spec.includes("::")) throw new Error("TsHandlerModule takes a module name without '::function'");
      for (const phase of PHASE_DIRECTIVES) appendHandlers(ctx, phase, [makeEntry(ctx, spec, true)]);
    },
  },
  {
    name: "TsOption",
    contexts: OR_ALL,
    minArgs: 1,
    maxArgs: 2,
    apply(ctx, [key, value = ""]) {
      ctx.dir.options.set(key, value);
      ctx.serverLevel?.options.set(key, value);
    },
  },
  flagDirective("TsDebug"),
  flagDirective("TsAutoReload"),
  {
    name: "TsPath",
    contexts: OR_ALL,
    minArgs: 1,
    maxArgs: Infinity,
    apply(ctx, dirs) {
      ctx.dir.tsPath = dirs.map((d) => ctx.resolvePath(d));
      setSetting(ctx, "TsPath", ctx.dir.tsPath.join(" "));
    },
  },
  {
    name: "TsInterpreter",
    contexts: OR_ALL,
    minArgs: 1,
    maxArgs: 1,
    apply(ctx, [name]) {
      ctx.dir.interpreter = name;
      setSetting(ctx, "TsInterpreter", name);
    },
  },
  {
    name: "TsImport",
    contexts: Context.SERVER,
    minArgs: 1,
    maxArgs: 2,
    apply(ctx, [spec, interpreter]) {
      const { module, func } = parseHandlerSpec(spec);
      ctx.root.imports.push({ module, func, interpreter: interpreter ?? null, file: ctx.file, line: ctx.line });
    },
  },
];
