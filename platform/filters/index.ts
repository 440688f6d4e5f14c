export type { Filter, FilterFunction, FilterTarget } from "./filter";
export { FilterChain, type FilterSpec } from "./chain";
export { selectFilters, registerFilter, addFilter, type FilterDirection, type RequestFilters } from "./select";
export { startOutputChain } from "./output-filters";
export { requestBody, requestBodyStarted } from "./input-body";
