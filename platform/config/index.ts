export * from "./model";
export { loadConfig, type LoadOptions } from "./parser";
export { ConfigLookup } from "./lookup";
export { perDirConfig } from "./per-dir-config";
export { registerDirectives, findDirective, LOG_LEVELS, Context, RSRC, OR_ALL, flagArg, intArg, secondsArg, parseHandlerSpec } from "./directives";
export type { DirectiveDef, ApplyContext } from "./directives";
export { lexConfig, splitArgs } from "./lexer";
export { compileWildcard, hasWildcard } from "./wildcard";
export { ConfigRegex } from "./config-regex";
