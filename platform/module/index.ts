/**
 * The module API: how the core's features and third parties add directives, hooks, content
 * handlers, request services and providers, and the plan a request runs with.
 */
export { defineModule, isModule, HOOK_PHASES, HOOK_FIRST, HOOK_MIDDLE, HOOK_LAST, AUTHN_PROVIDER_NOTE } from "./define-module";
export type { TsmodModule, ModuleSpec, Hook, HookSpec, HookPhase, HookResult, HookDeclaration, ModuleContext, CheckContext, DeepCheck, ConnectionContext, ConnectionHookSpec, Providers, RefusedRequestLog, BuiltinTable, AuthProvider, AuthResult } from "./define-module";
export { ModuleSet, type ContentHandler } from "./module-set";
export { Plan, type BoundHook } from "./plan";
export { loadSiteConfig, type SiteConfig, type ServerPlans, type SiteLoadOptions } from "./site-config";
export { configOf, moduleState, serverConfigOf } from "./config-of";
