import type { ConfigValues } from "../config";
import { coreDirectives, type HandlerEntry } from "../core";
import { ErrorCode } from "../errors";
import { findHandlerModule, isBuiltinName } from "../loader";
import type { CheckContext } from "../module";

/**
 * Reports the handler entries `entriesOf` finds in each place whose module cannot be found: a
 * load-time error, at the section (or server) naming it, wherever the folder is known in advance
 * (not under a `<DirectoryMatch>`, whose folder is the request's). Filters check theirs with it.
 */
export function checkHandlerEntries(ctx: CheckContext, entriesOf: (values: ConfigValues) => Iterable<HandlerEntry>): void {
  const { config } = ctx;
  [config.main, ...config.vhosts].forEach((server, i) => {
    const places = [server, ...server.sections.filter((s) => !(s.kind === "directory" && s.regex))];
    for (const place of places) {
      const tsPath = place.values.get(coreDirectives.TsPath) ?? server.values.get(coreDirectives.TsPath) ?? [];
      const dirs = [...tsPath, ctx.servers[i].documentRoot, config.serverRoot];
      for (const e of entriesOf(place.values)) checkHandlerEntry(ctx, e, dirs, place);
    }
  });
}

function checkHandlerEntry(ctx: CheckContext, e: HandlerEntry, dirs: readonly string[], place: { file: string; line: number }): void {
  // A server's top level has no line of its own (0): the directive's line says where.
  const at = place.line === 0 && e.file ? { file: e.file, line: e.line } : place;
  if (isBuiltinName(e.module)) {
    if (!ctx.builtins.has(e.module)) ctx.report(at.file, at.line, `no built-in handler module '${e.module}' (have: ${[...ctx.builtins].filter(isBuiltinName).join(", ")})`, ErrorCode.CONFIG_MODULE_NOT_FOUND);
    return;
  }
  const search = [e.directory, ...dirs].filter((d): d is string => !!d);
  if (!findHandlerModule(e.module, search, ctx.config.serverRoot)) {
    ctx.report(at.file, at.line, `handler module '${e.module}' not found (looked in ${search.join(", ")})`, ErrorCode.CONFIG_MODULE_NOT_FOUND);
  }
}
