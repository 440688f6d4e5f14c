import type { BodySink, Request } from "../request";
import { FilterChain } from "./chain";
import type { FiltersConfig } from "./filters-config";
import { selectFilters } from "./select";

/** The chain of output filters in effect for the request, writing into `sink`; null when none apply. */
export function startOutputChain(req: Request, conf: FiltersConfig, sink: BodySink, onFailure: (error: Error) => void): FilterChain | null {
  const specs = selectFilters(req, conf, "output");
  return specs.length ? new FilterChain(specs, req, false, sink, onFailure) : null;
}
