/**
 * tsmod's publisher (`TsHandler tsmod/publisher`): URLs mapped to exported functions, with
 * mod_python's semantics and without its holes. See docs/publisher.md.
 *
 * - locate-module: URL → module file (+ the names to walk), under the section's folder;
 * - security-rules: everything refused, as one table;
 * - resolve-target: the walk through exports, objects and class instances, with auth hooks;
 * - signature / bind-arguments: parameter names from the TypeScript parser → arguments;
 * - send-result: return value → response.
 */
export { handler } from "./handler";
export { SECURITY_RULES, type SecurityRule, type Stage } from "./security-rules";
