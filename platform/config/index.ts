/**
 * The configuration language: Apache's syntax, sections, Include, IfDefine/IfModule and
 * LoadModule, directives as specs whose values merge per section. It knows no directive of any
 * feature: the modules bring those (`platform/module`).
 */
export { directive, LineError, appendList, mergeMaps, flagArg, intArg, secondsArg, extensionArg } from "./directive";
export type { DirectiveSpec, DirectiveContext, NestedLine, Where, SectionInfo, SectionKind } from "./directive";
export { ConfigValues } from "./values";
export { parseConfig, type DirectiveTable, type LoadOptions, type ParsedConfig, type ParsedServer, type Section, type DirectiveLine, type ConfigCheck } from "./parser";
export { SectionMatcher } from "./section-matcher";
export { lexConfig, splitArgs } from "./lexer";
export { compileWildcard, hasWildcard } from "./wildcard";
export { ConfigRegex } from "./config-regex";
export { closest } from "./suggest";
