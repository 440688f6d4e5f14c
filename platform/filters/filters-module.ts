import { configOf, defineModule, type CheckContext, type TsmodModule } from "../module";
import { checkHandlerEntries } from "../phases";
import { FILTER_DIRECTIVES, filterDirectiveList } from "./directives";
import { filtersConfig, type FiltersConfig } from "./filters-config";
import { requestBody, requestBodyStarted } from "./input-body";
import { startOutputChain } from "./output-filters";
import { addFilter, registerFilter } from "./select";

/**
 * mod_filter's part tsmod has: `TsOutputFilter`/`TsInputFilter` register handler functions as
 * named filters; `Set*Filter` and `Add*Filter` put them on responses and request bodies; a
 * handler adds or registers more at run time. The Request reaches them through its services.
 */
export const filtersModule: TsmodModule<FiltersConfig> = defineModule<FiltersConfig>({
  name: "filter",
  directives: filterDirectiveList,
  dirConfig: filtersConfig,
  services: {
    outputChain: (req, sink, onFailure) => startOutputChain(req, configOf(req, filtersModule), sink, onFailure),
    requestBody: (req) => requestBody(req, configOf(req, filtersModule)),
    requestBodyStarted,
    addFilter: (req, direction, name, started) => addFilter(req, configOf(req, filtersModule), direction, name, started),
    registerFilter,
  },
  check: checkFilterHandlers,
});

/** A registered filter's handler module that is missing is a load-time error, like a handler's. */
function checkFilterHandlers(ctx: CheckContext): void {
  checkHandlerEntries(ctx, (values) => Object.values(FILTER_DIRECTIVES).flatMap((d) => [...(values.get(d.register)?.values() ?? [])].map((r) => r.entry)));
}
