import { extensionArg, mergeMaps, type DirectiveSpec } from "../config";
import { handlerEntry, type HandlerEntry } from "../core";
import type { FilterDirection } from "../request";

/** A filter name bound to the handler that implements it. */
export interface FilterRegistration {
  /** As written in the configuration (filter names compare case-insensitively). */
  readonly name: string;
  readonly entry: HandlerEntry;
}

const FILTER_NAME = /^[\w.+-]+$/;

/** `A;B` → `["A", "B"]`, each checked, so a typo fails at load and not on some later request. */
export function parseFilterNames(text: string): string[] {
  const names = text.split(";").map((n) => n.trim());
  for (const n of names) {
    if (!FILTER_NAME.test(n)) throw new Error(`'${n}' is not a filter name (letters, digits, '_', '.', '+', '-')`);
  }
  return names;
}

type Title = "Output" | "Input";

/** `TsOutputFilter module[::fn] NAME`: the two words may also come quoted as one argument. */
function registerDirective(title: Title): DirectiveSpec<Map<string, FilterRegistration>> {
  return {
    name: `Ts${title}Filter`,
    context: "both",
    args: [1, 2],
    parse(args, where) {
      const words = args.join(" ").split(/\s+/).filter(Boolean);
      if (words.length !== 2) throw new Error("expects a handler and a filter name: module[::function] NAME");
      const [spec, filterName] = words;
      if (filterName.includes(";")) throw new Error(`registers one filter name, not '${filterName}'`);
      parseFilterNames(filterName);
      return new Map([[filterName.toLowerCase(), { name: filterName, entry: handlerEntry(where, spec, false) }]]);
    },
    combine: mergeMaps,
    merge: mergeMaps,
  };
}

/** The innermost section's list wins. */
function setDirective(title: Title): DirectiveSpec<string[]> {
  return { name: `Set${title}Filter`, context: "both", args: 1, parse: ([names]) => parseFilterNames(names) };
}

/** By extension (lower-case, with the dot); `[]` marks one removed. */
function addDirective(title: Title): DirectiveSpec<Map<string, string[]>> {
  return {
    name: `Add${title}Filter`,
    context: "both",
    args: [2, Infinity],
    parse([names, ...exts]) {
      const list = parseFilterNames(names);
      return new Map(exts.map((e) => [extensionArg(e), list]));
    },
    combine: mergeMaps,
    merge: mergeMaps,
  };
}

function removeDirective(title: Title, owner: DirectiveSpec<Map<string, string[]>>): DirectiveSpec<Map<string, string[]>> {
  return { name: `Remove${title}Filter`, context: "both", args: [1, Infinity], parse: (exts) => new Map(exts.map((e) => [extensionArg(e), []])), shares: owner };
}

export interface DirectionDirectives {
  readonly register: DirectiveSpec<Map<string, FilterRegistration>>;
  readonly set: DirectiveSpec<string[]>;
  readonly add: DirectiveSpec<Map<string, string[]>>;
  readonly remove: DirectiveSpec<Map<string, string[]>>;
}

function directionDirectives(title: Title): DirectionDirectives {
  const add = addDirective(title);
  return { register: registerDirective(title), set: setDirective(title), add, remove: removeDirective(title, add) };
}

export const FILTER_DIRECTIVES: Record<FilterDirection, DirectionDirectives> = { output: directionDirectives("Output"), input: directionDirectives("Input") };

export const filterDirectiveList = Object.values(FILTER_DIRECTIVES).flatMap((d) => [d.register, d.set, d.add, d.remove]);

