/** Input and output filters (mod_filter's part tsmod has) as a module. */
export { filtersModule } from "./filters-module";
export { parseFilterNames, type FilterRegistration } from "./directives";
export type { Filter, FilterFunction } from "./filter";
