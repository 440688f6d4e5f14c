import { authDirectives } from "./auth-directives";
import { coreDirectives } from "./core-directives";
import type { DirectiveDef } from "./directive-def";
import { logDirectives } from "./log-directives";
import { filterDirectives } from "./filter-directives";
import { proxyDirectives } from "./proxy-directives";
import { reqtimeoutDirectives } from "./reqtimeout-directives";
import { tsmodDirectives } from "./tsmod-directives";
import { webDirectives } from "./web-directives";

export * from "./directive-def";
export { LOG_LEVELS, parseListen } from "./core-directives";
export { parseHandlerList, parseHandlerSpec, makeEntry } from "./tsmod-directives";
export { resolveLogFormats } from "./log-directives";
export { parseFilterNames } from "./filter-directives";
export { DEFAULT_BODY_READ_TIMEOUT, DEFAULT_HEADER_READ_TIMEOUT } from "./reqtimeout-directives";

const ALL: DirectiveDef[] = [...coreDirectives, ...authDirectives, ...tsmodDirectives, ...webDirectives, ...logDirectives, ...filterDirectives, ...proxyDirectives, ...reqtimeoutDirectives];

const table = new Map<string, DirectiveDef>(ALL.map((d) => [d.name.toLowerCase(), d]));

/** Registers more directives (other subsystems of the platform add theirs at load). */
export function registerDirectives(defs: DirectiveDef[]): void {
  for (const d of defs) table.set(d.name.toLowerCase(), d);
}

export function findDirective(name: string): DirectiveDef | undefined {
  return table.get(name.toLowerCase());
}

export function directiveNames(): string[] {
  return [...table.values()].map((d) => d.name);
}
