import * as path from "node:path";
import { parseFilterNames, parseHandlerSpec } from "../config/directives";
import type { DirConfig, FilterRegistration } from "../config/model";
import { ErrorCode, TsmodError } from "../errors";
import { describeEntry, resolveHandler } from "../phases";
import type { Request } from "../request";
import type { FilterSpec } from "./chain";
import type { FilterFunction } from "./filter";

export type FilterDirection = "output" | "input";

/** Filters a request registered and added at run time (`req.registerOutputFilter`, ...). */
export interface RequestFilters {
  readonly registered: Map<string, FilterRegistration>;
  readonly added: string[];
}

const DEFAULT_FUNCTION: Record<FilterDirection, string> = { output: "outputfilter", input: "inputfilter" };
const TITLE: Record<FilterDirection, string> = { output: "Output", input: "Input" };

function configured(dir: DirConfig, d: FilterDirection) {
  return d === "output"
    ? { registry: dir.outputFilters, set: dir.setOutputFilter, byExtension: dir.addOutputFilters }
    : { registry: dir.inputFilters, set: dir.setInputFilter, byExtension: dir.addInputFilters };
}

function requestFilters(req: Request, d: FilterDirection): RequestFilters {
  const all = (req._state.filters ??= {});
  return (all[d] ??= { registered: new Map(), added: [] });
}

/** A name registered by this request wins over one from the configuration. */
function lookup(req: Request, d: FilterDirection, name: string): FilterRegistration | undefined {
  const key = name.toLowerCase();
  return req._state.filters?.[d]?.registered.get(key) ?? configured(req._state.dir, d).registry?.get(key);
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
    entry: { ...parsed, directory: dir, isLocation: false, silent: false },
  });
}

/** `req.addOutputFilter(name)`: the filter joins this request's chain after the configured ones. */
export function addFilter(req: Request, d: FilterDirection, name: string, started: boolean): void {
  const method = `add${TITLE[d]}Filter`;
  if (started) {
    throw new TsmodError(
      ErrorCode.FILTER_TOO_LATE,
      `${method}(${name}): the ${d === "output" ? "response body has already started" : "request body is already being read"}`,
    );
  }
  if (!lookup(req, d, name)) {
    throw new TsmodError(ErrorCode.FILTER_NOT_FOUND, `${method}: no ${d} filter named '${name}' is registered (Ts${TITLE[d]}Filter or register${TITLE[d]}Filter)`);
  }
  requestFilters(req, d).added.push(name);
}

/**
 * The filters that apply to the request, in order: `Set*Filter`, then `Add*Filter` for each of
 * the file's extensions, then those added at run time; each name once.
 */
export function selectFilters(req: Request, d: FilterDirection): FilterSpec[] {
  const conf = configured(req._state.dir, d);
  const added = req._state.filters?.[d]?.added;
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
    specs.push(specFor(req, d, name));
  }
  return specs;
}

function specFor(req: Request, d: FilterDirection, name: string): FilterSpec {
  const reg = lookup(req, d, name);
  return {
    name: reg?.name ?? name,
    handler: reg ? describeEntry(reg.entry) : "unregistered",
    resolve() {
      if (!reg) throw new TsmodError(ErrorCode.FILTER_NOT_FOUND, `no ${d} filter named '${name}' is registered here (Ts${TITLE[d]}Filter)`);
      return resolveHandler(req, reg.entry, DEFAULT_FUNCTION[d]) as FilterFunction;
    },
  };
}
