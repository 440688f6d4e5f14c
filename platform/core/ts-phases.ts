import { DECLINED, OK } from "../constants";

/**
 * The request phases in Apache order, with mod_python's stacking rule for each: the handlers
 * listed for a phase run in order while each result is in `continueOn`; the last result is
 * the phase's result (mod_python `_status_values`, MODPYTHON-129).
 */
export interface PhaseSpec {
  /** Directive name, also `req.phase` while the phase runs. */
  readonly directive: string;
  /** Function called when a handler names only a module. */
  readonly defaultFunction: string;
  readonly continueOn: readonly number[];
  /** Whether `req.addHandler` may target it. */
  readonly addable: boolean;
}

const RUN_ALL = [OK, DECLINED] as const;
const RUN_FIRST = [DECLINED] as const;

export const PHASES = {
  postReadRequest: { directive: "TsPostReadRequestHandler", defaultFunction: "postreadrequesthandler", continueOn: RUN_ALL, addable: true },
  trans: { directive: "TsTransHandler", defaultFunction: "transhandler", continueOn: RUN_FIRST, addable: true },
  headerParser: { directive: "TsHeaderParserHandler", defaultFunction: "headerparserhandler", continueOn: RUN_ALL, addable: true },
  init: { directive: "TsInitHandler", defaultFunction: "inithandler", continueOn: RUN_ALL, addable: true },
  access: { directive: "TsAccessHandler", defaultFunction: "accesshandler", continueOn: RUN_ALL, addable: true },
  authen: { directive: "TsAuthenHandler", defaultFunction: "authenhandler", continueOn: RUN_FIRST, addable: true },
  authz: { directive: "TsAuthzHandler", defaultFunction: "authzhandler", continueOn: RUN_FIRST, addable: true },
  type: { directive: "TsTypeHandler", defaultFunction: "typehandler", continueOn: RUN_FIRST, addable: true },
  fixup: { directive: "TsFixupHandler", defaultFunction: "fixuphandler", continueOn: RUN_ALL, addable: true },
  content: { directive: "TsHandler", defaultFunction: "handler", continueOn: [OK], addable: true },
  log: { directive: "TsLogHandler", defaultFunction: "loghandler", continueOn: RUN_ALL, addable: true },
  cleanup: { directive: "TsCleanupHandler", defaultFunction: "cleanuphandler", continueOn: [OK], addable: false },
} as const satisfies Record<string, PhaseSpec>;

export type PhaseName = keyof typeof PHASES;

export const PHASE_DIRECTIVES: readonly string[] = Object.values(PHASES).map((p) => p.directive);

const byDirective = new Map<string, PhaseSpec>(Object.values(PHASES).map((p) => [p.directive.toLowerCase(), p]));

/** The phase a directive name (any case) stands for, or undefined. */
export function phaseByDirective(directive: string): PhaseSpec | undefined {
  return byDirective.get(directive.toLowerCase());
}
