import type { ConfigValues } from "../config";
import { DECLINED, OK, TSMOD_HANDLER } from "../constants";
import { PHASES, coreDirectives, phaseByDirective, type HandlerEntry, type PhaseSpec } from "../core";
import { andThen, type MaybePromise } from "../maybe-promise";
import { HOOK_LAST, defineModule, type HookSpec } from "../module";
import { checkHandlerEntries, runPhase, type HandlerRef } from "../phases";
import { requestStorage, type Request } from "../request";
import { PHASE_HANDLER_DIRECTIVES, TsHandler, TsHandlerModule } from "./directives";
import { TsHandlersConfig, handlersFor } from "./handler-lists";
import { CONNECTION_HANDLER_FUNCTION, connectionHook, TsConnectionHandler } from "./connection-handler";

/** Runs a phase's handler list with mod_python's stacking rule; DECLINED when it is empty. */
function run(req: Request, config: TsHandlersConfig, phase: PhaseSpec): MaybePromise<number> {
  return runPhase(req, phase, handlersFor(req, config, phase.directive));
}

/** A phase's handler stack, as a hook that is left out of plans configuring none. */
function phaseHook(phase: PhaseSpec): HookSpec<TsHandlersConfig> {
  return { when: (c) => c.has(phase), run: (req, config) => run(req, config, phase) };
}

/** The handlers a place names: its phase lists (keyed `Directive` or `Directive.ext`) and TsImport. */
function* handlerRefs(values: ConfigValues): Iterable<HandlerRef> {
  for (const [key, entries] of values.get(TsHandler) ?? []) {
    const phase = phaseByDirective(key.split(".")[0])!;
    for (const entry of entries) yield { entry, defaultFunction: phase.defaultFunction };
  }
  for (const imp of values.get(coreDirectives.TsImport) ?? []) {
    yield { entry: { ...imp, directory: null, isLocation: false, silent: false }, defaultFunction: null };
  }
  const connection = values.get(TsConnectionHandler);
  if (connection) yield { entry: connection, defaultFunction: CONNECTION_HANDLER_FUNCTION };
}

/** The server-level TsInitHandler list that ran at post-read, kept by the first request of a chain. */
const INIT_RAN = {};

function firstOf(req: Request): Request {
  let r = req;
  while (r.prev) r = r.prev;
  return r;
}

/** TsInitHandler, then `phase`: a RUN_ALL pair that stops at a result other than OK or DECLINED. */
function initThen(req: Request, config: TsHandlersConfig, init: readonly HandlerEntry[], phase: PhaseSpec): MaybePromise<number> {
  return andThen(runPhase(req, PHASES.init, init as HandlerEntry[]), (r) => (r !== OK && r !== DECLINED ? r : run(req, config, phase)));
}

/**
 * mod_python's half of tsmod: the `Ts*Handler` directives, their handler stacks in every phase,
 * and the `tsmod` content handler. A URL inside a `<Location>` handed to tsmod names a handler,
 * not a file: the directory walk is skipped (mod_python's Location shortcut).
 */
export const tsHandlersModule = defineModule<TsHandlersConfig>({
  name: "tsmod_handlers",
  directives: [...PHASE_HANDLER_DIRECTIVES, TsHandlerModule, TsConnectionHandler],
  dirConfig: (values) => new TsHandlersConfig(values.get(TsHandler) ?? new Map(), values.get(TsConnectionHandler) ?? null),
  connection: connectionHook,
  hooks: {
    postRead: {
      when: (c) => c.has(PHASES.init, PHASES.postReadRequest),
      run(req, config) {
        // The top-level TsInitHandler runs here; one set inside a section runs as a header parser.
        const init = config.lists.get(PHASES.init.directive);
        if (!init) return run(req, config, PHASES.postReadRequest);
        requestStorage(req, INIT_RAN, () => init);
        return initThen(req, config, init, PHASES.postReadRequest);
      },
    },
    translate: { when: (c) => c.has(PHASES.trans), run: (req, config) => run(req, config, PHASES.trans) },
    mapToStorage: {
      order: HOOK_LAST,
      run(req) {
        return req._state.plan.core.setHandler === TSMOD_HANDLER ? OK : DECLINED;
      },
    },
    headerParser: {
      when: (c) => c.has(PHASES.init, PHASES.headerParser),
      run(req, config) {
        const init = config.lists.get(PHASES.init.directive);
        const ran = firstOf(req)._state.modules?.get(INIT_RAN);
        if (!init || init === ran) return run(req, config, PHASES.headerParser);
        return initThen(req, config, init, PHASES.headerParser);
      },
    },
    access: phaseHook(PHASES.access),
    authn: phaseHook(PHASES.authen),
    authz: phaseHook(PHASES.authz),
    type: phaseHook(PHASES.type),
    fixup: phaseHook(PHASES.fixup),
    log: phaseHook(PHASES.log),
    cleanup: phaseHook(PHASES.cleanup),
  },
  handlers: {
    [TSMOD_HANDLER]: (req, config) => run(req, config, PHASES.content),
  },
  check: (ctx) => checkHandlerEntries(ctx, handlerRefs),
});
