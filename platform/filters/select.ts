import * as path from "node:path";
import { parseHandlerSpec } from "../core";
import { ErrorCode, TsmodError } from "../errors";
import type { Plan } from "../module";
import { describeEntry, resolveHandler } from "../phases";
import { requestStorage, type FilterDirection, type Request } from "../request";
import type { FilterSpec } from "./chain";
import { parseFilterNames, type FilterRegistration } from "./directives";
import type { FilterFunction } from "./filter";
import type { FiltersConfig } from "./filters-config";

/** Filters a request registered and added at run time (`req.registerOutputFilter`, ...). */
export interface RequestFilters {
  readonly registered: Map<string, FilterRegistration>;
  readonly added: string[];
}

export const DEFAULT_FILTER_FUNCTION: Record<FilterDirection, string> = { output: "outputfilter", input: "inputfilter" };
const TITLE: Record<FilterDirection, string> = { output: "Output", input: "Input" };

/** This request's run-time registrations, made on first use. */
const RUN_TIME = {};

function allRequestFilters(req: Request): Partial<Record<FilterDirection, RequestFilters>> | undefined {
  return req._state.modules?.get(RUN_TIME) as Partial<Record<FilterDirection, RequestFilters>> | undefined;
}

function requestFilters(req: Request, d: FilterDirection): RequestFilters {
  const all = requestStorage<Partial<Record<FilterDirection, RequestFilters>>>(req, RUN_TIME, () => ({}));
  return (all[d] ??= { registered: new Map(), added: [] });
}

/**
 * Provider kinds under which modules offer filters by name (`providers: { outputFilter:
 * { INCLUDES: fn } }`), the way Apache modules register theirs.
 */
export const FILTER_PROVIDER_KINDS: Record<FilterDirection, string> = { output: "outputFilter", input: "inputFilter" };

/** A filter a module provides: its name as the module spells it and its function. */
interface ProvidedFilter {
  readonly name: string;
  readonly fn: FilterFunction;
}

function provided(req: Request, d: FilterDirection, key: string): ProvidedFilter | undefined {
  for (const [name, fn] of (req._state.plan as Plan).modules.providers<FilterFunction>(FILTER_PROVIDER_KINDS[d])) {
    if (name.toLowerCase() === key) return { name, fn };
  }
  return undefined;
}

/** A name registered by this request wins over one from the configuration, which wins over a module's. */
function lookup(req: Request, conf: FiltersConfig, d: FilterDirection, name: string): FilterRegistration | ProvidedFilter | undefined {
  const key = name.toLowerCase();
  return allRequestFilters(req)?.[d]?.registered.get(key) ?? conf[d].registry.get(key) ?? provided(req, d, key);
}

function singleName(name: string): string {
  const names = parseFilterNames(name);
  if (names.length !== 1) throw new TsmodError(ErrorCode.FILTER_NOT_FOUND, `'${name}' names more than one filter`);
  return names[0];
}

/** `req.registerOutputFilter(name, "module::fn")`: the handler's own folder is searched first. */
export function registerFilter(req: Request, d: FilterDirection, name: string, handler: string, directory?: string): void {
  let filterName: string;
  let parsed: { module: string; func: string | null };
  try {
    filterName = singleName(name);
    parsed = parseHandlerSpec(handler.trim());
  } catch (e) {
    throw new TsmodError(ErrorCode.HANDLER_SPEC, `register${TITLE[d]}Filter: ${(e as Error).message}`);
  }
  const dir = directory !== undefined ? path.resolve(directory).replace(/\/*$/, "/") : (req.hlist?.directory ?? null);
  requestFilters(req, d).registered.set(filterName.toLowerCase(), {
    name: filterName,
    entry: { ...parsed, directory: dir, isLocation: false, silent: false, file: null, line: 0 },
  });
}

/** `req.addOutputFilter(name)`: the filter joins this request's chain after the configured ones. */
export function addFilter(req: Request, conf: FiltersConfig, d: FilterDirection, name: string, started: boolean): void {
  const method = `add${TITLE[d]}Filter`;
  if (started) {
    throw new TsmodError(
      ErrorCode.FILTER_TOO_LATE,
      `${method}(${name}): the ${d === "output" ? "response body has already started" : "request body is already being read"}`,
    );
  }
  if (!lookup(req, conf, d, name)) {
    throw new TsmodError(ErrorCode.FILTER_NOT_FOUND, `${method}: no ${d} filter named '${name}' is registered (Ts${TITLE[d]}Filter or register${TITLE[d]}Filter)`);
  }
  requestFilters(req, d).added.push(name);
}

/**
 * The filters that apply to the request, in order: `Set*Filter`, then `Add*Filter` for each of
 * the file's extensions, then those added at run time; each name once.
 */
export function selectFilters(req: Request, all: FiltersConfig, d: FilterDirection): FilterSpec[] {
  const conf = all[d];
  const added = allRequestFilters(req)?.[d]?.added;
  if (!conf.set && !conf.byExtension && !added?.length) return [];
  const names = [...(conf.set ?? [])];
  if (conf.byExtension && req.filename) {
    for (const ext of path.basename(req.filename).toLowerCase().split(".").slice(1)) {
      names.push(...(conf.byExtension.get("." + ext) ?? []));
    }
  }
  names.push(...(added ?? []));
  const seen = new Set<string>();
  const specs: FilterSpec[] = [];
  for (const name of names) {
    const key = name.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    specs.push(specFor(req, all, d, name));
  }
  return specs;
}

function specFor(req: Request, conf: FiltersConfig, d: FilterDirection, name: string): FilterSpec {
  const reg = lookup(req, conf, d, name);
  if (reg && "fn" in reg) return { name: reg.name, handler: `built-in ${reg.name}`, resolve: () => reg.fn };
  return {
    name: reg?.name ?? name,
    handler: reg ? describeEntry(reg.entry) : "unregistered",
    resolve() {
      if (!reg) throw new TsmodError(ErrorCode.FILTER_NOT_FOUND, `no ${d} filter named '${name}' is registered here (Ts${TITLE[d]}Filter)`);
      return resolveHandler(req, reg.entry, DEFAULT_FILTER_FUNCTION[d]) as FilterFunction;
    },
  };
}
