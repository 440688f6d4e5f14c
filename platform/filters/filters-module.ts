import { configOf, defineModule, type CheckContext, type TsmodModule } from "../module";
import { checkHandlerEntries } from "../phases";
import { closest } from "../config";
import type { FilterDirection } from "../request";
import { FILTER_DIRECTIVES, filterDirectiveList, type FilterRegistration } from "./directives";
import { filtersConfig, type FiltersConfig } from "./filters-config";
import { requestBody, requestBodyStarted } from "./input-body";
import { startOutputChain } from "./output-filters";
import { DEFAULT_FILTER_FUNCTION, addFilter, registerFilter } from "./select";

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

/**
 * A registered filter's handler module that is missing is a load-time error, like a handler's.
 * configtest also wants every name `Set*Filter`/`Add*Filter` use registered somewhere in the
 * configuration (a name only a handler registers at run time has to be registered here too).
 */
function checkFilterHandlers(ctx: CheckContext): void {
  checkHandlerEntries(ctx, (values) =>
    (Object.keys(FILTER_DIRECTIVES) as FilterDirection[]).flatMap((d) =>
      [...(values.get(FILTER_DIRECTIVES[d].register)?.values() ?? [])].map((r) => ({ entry: r.entry, defaultFunction: DEFAULT_FILTER_FUNCTION[d] })),
    ),
  );
  if (ctx.deep) checkFilterNames(ctx);
}

function checkFilterNames(ctx: CheckContext): void {
  for (const d of Object.keys(FILTER_DIRECTIVES) as FilterDirection[]) {
    const { register, set, add } = FILTER_DIRECTIVES[d];
    const lines = ctx.config.lines;
    const registered = lines.filter((l) => l.spec === register).flatMap((l) => [...(l.value as Map<string, FilterRegistration>).values()].map((r) => r.name));
    const known = new Set(registered.map((n) => n.toLowerCase()));
    for (const l of lines) {
      const names = l.spec === set ? (l.value as string[]) : l.spec === add ? [...(l.value as Map<string, string[]>).values()][0] ?? [] : [];
      for (const name of names) {
        if (known.has(name.toLowerCase())) continue;
        const guess = closest(name, registered);
        ctx.report(l.file, l.line, `${l.spec.name}: no ${d} filter named '${name}' is registered (${register.name} module NAME)${guess ? ` (did you mean '${guess}'?)` : ""}`);
      }
    }
  }
}
