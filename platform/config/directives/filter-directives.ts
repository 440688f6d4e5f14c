import type { DirConfig } from "../model";
import { OR_ALL, type DirectiveDef } from "./directive-def";
import { makeEntry } from "./tsmod-directives";

type Direction = "Output" | "Input";

const FILTER_NAME = /^[\w.+-]+$/;

/** `A;B` → `["A", "B"]`, each checked, so a typo fails at load and not on some later request. */
export function parseFilterNames(text: string): string[] {
  const names = text.split(";").map((n) => n.trim());
  for (const n of names) {
    if (!FILTER_NAME.test(n)) throw new Error(`'${n}' is not a filter name (letters, digits, '_', '.', '+', '-')`);
  }
  return names;
}

function extensionOf(ext: string): string {
  return (ext.startsWith(".") ? ext : "." + ext).toLowerCase();
}

function field<K extends keyof DirConfig>(direction: Direction, output: K, input: K): K {
  return direction === "Output" ? output : input;
}

/** `TsOutputFilter module[::fn] NAME`: the two words may also come quoted as one argument. */
function registerDirective(direction: Direction): DirectiveDef {
  const key = field(direction, "outputFilters", "inputFilters");
  return {
    name: `Ts${direction}Filter`,
    contexts: OR_ALL,
    minArgs: 1,
    maxArgs: 2,
    apply(ctx, args) {
      const words = args.join(" ").split(/\s+/).filter(Boolean);
      if (words.length !== 2) throw new Error("expects a handler and a filter name: module[::function] NAME");
      const [spec, filterName] = words;
      if (filterName.includes(";")) throw new Error(`registers one filter name, not '${filterName}'`);
      parseFilterNames(filterName);
      const map = (ctx.dir[key] ??= new Map());
      map.set(filterName.toLowerCase(), { name: filterName, entry: makeEntry(ctx, spec, false) });
    },
  };
}

function setDirective(direction: Direction): DirectiveDef {
  const key = field(direction, "setOutputFilter", "setInputFilter");
  return {
    name: `Set${direction}Filter`,
    contexts: OR_ALL,
    minArgs: 1,
    maxArgs: 1,
    apply(ctx, [names]) {
      ctx.dir[key] = parseFilterNames(names);
    },
  };
}

function addDirective(direction: Direction): DirectiveDef {
  const key = field(direction, "addOutputFilters", "addInputFilters");
  return {
    name: `Add${direction}Filter`,
    contexts: OR_ALL,
    minArgs: 2,
    maxArgs: Infinity,
    apply(ctx, [names, ...exts]) {
      const list = parseFilterNames(names);
      const map = (ctx.dir[key] ??= new Map());
      for (const e of exts) map.set(extensionOf(e), list);
    },
  };
}

function removeDirective(direction: Direction): DirectiveDef {
  const key = field(direction, "addOutputFilters", "addInputFilters");
  return {
    name: `Remove${direction}Filter`,
    contexts: OR_ALL,
    minArgs: 1,
    maxArgs: Infinity,
    apply(ctx, exts) {
      const map = (ctx.dir[key] ??= new Map());
      for (const e of exts) map.set(extensionOf(e), []);
    },
  };
}

export const filterDirectives: DirectiveDef[] = (["Output", "Input"] as const).flatMap((d) => [
  registerDirective(d),
  setDirective(d),
  addDirective(d),
  removeDirective(d),
]);
