/**
 * Apache's core (and mod_python's settings) as the engine reads them: the directives the socket
 * server, the Request and the phase loop need before any module runs, and their typed readings.
 */
export * as coreDirectives from "./directives";
export { CORE_DIRECTIVES, LOG_LEVELS, parseListen, parseReadStage, DEFAULT_BODY_READ_TIMEOUT, DEFAULT_HEADER_READ_TIMEOUT, type ListenAddress, type ReadStage, type ImportEntry } from "./directives";
export { CoreMain, CoreServer, CoreDir, DEFAULT_BODY_LIMIT, type FormSettings } from "./core-config";
export { handlerEntry, parseHandlerSpec, type HandlerEntry } from "./handler-entry";
export type { PlanView } from "./plan-view";
export { PHASES, PHASE_DIRECTIVES, phaseByDirective, type PhaseSpec, type PhaseName } from "./ts-phases";
export { isHtFile } from "./ht-files";
export { IpList } from "./ip-list";
export { methodArg, parseRequirement, requireLines, type AuthMerging, type MethodScope, type Requirement, type RequireContainer, type RequireNode, type RequireRules } from "./require-rules";
export { isIpSpec } from "./ip-spec";
export { secureContextOptions, tlsProblem, type TlsSettings, type TlsProblem } from "./tls-settings";
export type { CanonicalName } from "./process-directives";
export { addressMatches } from "./vhost-address";
export { listenerPlans, type ListenerPlan } from "./listener-plan";
