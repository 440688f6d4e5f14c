/**
 * The phase loop: every request phase in Apache's order, running the modules' hooks from the
 * request's plan; and mod_python's handler stacks (`Ts*Handler` lists) the tsmod module runs.
 */
export { runRequest, runAccessChecks, runHooks, hasLateHooks, DEFAULT_HANDLER } from "./request-phases";
export { runPhase } from "./runner";
export { reportError } from "./report-error";
export { describeEntry, resolveHandler } from "./handler-call";
export { handlerExtension } from "./handler-extension";
export { checkHandlerEntries, type HandlerRef } from "./check-handlers";
export { mapToStorage } from "./storage";
