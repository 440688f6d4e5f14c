import { directive, type DirectiveSpec, type Where } from "../config";
import { PHASE_DIRECTIVES, handlerEntry, parseHandlerSpec, type HandlerEntry } from "../core";

/** A place's handler lists, keyed by directive name, or `directive.ext` for `| .ext` lists. */
export type HandlerLists = ReadonlyMap<string, readonly HandlerEntry[]>;

/** Splits `mod[::fn] [mod2 ...] [| .ext ...]` into handler specs and extensions. */
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

/** Lines of one place append to its lists; an inner place's list replaces the outer one per key. */
function appendLists(a: HandlerLists, b: HandlerLists): HandlerLists {
  const out = new Map(a);
  for (const [key, list] of b) out.set(key, [...(out.get(key) ?? []), ...list]);
  return out;
}

/** Post-read and trans run before any section is known, so they are server-level only. */
const SERVER_ONLY_PHASES = new Set(["TsPostReadRequestHandler", "TsTransHandler"]);

function phaseDirective(name: string, owner: DirectiveSpec<HandlerLists> | undefined): DirectiveSpec<HandlerLists> {
  return {
    name,
    context: SERVER_ONLY_PHASES.has(name) ? "server" : "both",
    args: [1, Infinity],
    parse(args: string[], where: Where): HandlerLists {
      const { specs, exts } = parseHandlerList(args);
      if (exts.length && SERVER_ONLY_PHASES.has(name)) throw new Error(`${name} runs before the file is known and takes no '| .ext' list`);
      const entries = specs.map((s) => handlerEntry(where, s, false));
      return new Map(exts.length === 0 ? [[name, entries]] : exts.map((ext) => [name + ext, entries]));
    },
    combine: appendLists,
    merge: (outer, inner) => new Map([...outer, ...inner]),
    shares: owner,
  };
}

/** Every phase directive shares one value (TsHandler's): TsHandlerModule adds to all of them. */
export const TsHandler = phaseDirective("TsHandler", undefined);

export const PHASE_HANDLER_DIRECTIVES: readonly DirectiveSpec<HandlerLists>[] = PHASE_DIRECTIVES.map((name) => (name === "TsHandler" ? TsHandler : phaseDirective(name, TsHandler)));

export const TsHandlerModule = directive<HandlerLists>({
  name: "TsHandlerModule",
  context: "both",
  args: 1,
  parse([spec], where) {
    if (spec.includes("::")) throw new Error("TsHandlerModule takes a module name without '::function'");
    return new Map(PHASE_DIRECTIVES.map((phase) => [phase, [handlerEntry(where, spec, true)]]));
  },
  shares: TsHandler,
});
