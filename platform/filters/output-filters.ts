import type { Request } from "../request";
import { FilterChain } from "./chain";
import type { FilterTarget } from "./filter";
import { selectFilters } from "./select";

/** The chain of output filters in effect for the request, writing into `sink`; null when none apply. */
export function startOutputChain(req: Request, sink: FilterTarget, onFailure: (error: Error) => void): FilterChain | null {
  const specs = selectFilters(req, "output");
  return specs.length ? new FilterChain(specs, req, false, sink, onFailure) : null;
}
