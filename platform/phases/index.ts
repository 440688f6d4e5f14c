export { PHASES, PHASE_DIRECTIVES, phaseByDirective, type PhaseSpec, type PhaseName } from "./phase-table";
export { runPhase } from "./runner";
export { reportError } from "./report-error";
export { describeEntry, isThenable, resolveHandler } from "./handler-call";
