import type { ConfigValues } from "../config";
import type { FilterDirection } from "../request";
import { FILTER_DIRECTIVES, type FilterRegistration } from "./directives";

/** One direction's filters for a plan: registrations by lower-case name, the Set list, by extension. */
export interface DirectionFilters {
  readonly registry: ReadonlyMap<string, FilterRegistration>;
  readonly set: readonly string[] | undefined;
  readonly byExtension: ReadonlyMap<string, readonly string[]> | undefined;
}

export type FiltersConfig = Readonly<Record<FilterDirection, DirectionFilters>>;

export function filtersConfig(values: ConfigValues): FiltersConfig {
  const of = (d: FilterDirection): DirectionFilters => ({
    registry: values.get(FILTER_DIRECTIVES[d].register) ?? new Map(),
    set: values.get(FILTER_DIRECTIVES[d].set),
    byExtension: values.get(FILTER_DIRECTIVES[d].add),
  });
  return { output: of("output"), input: of("input") };
}
