import { DECLINED, OK } from "../constants";
import { directive } from "../config";
import { handlerEntry, type HandlerEntry } from "../core";
import { ErrorCode, TsmodError } from "../errors";
import { findHandlerModule, isBuiltinName } from "../loader";
import type { ConnectionContext, ConnectionHookSpec } from "../module";
import { describeEntry } from "../phases";
import type { RawConnection } from "../request";

/**
 * `TsConnectionHandler module[::fn]` (mod_python's PythonConnectionHandler): the handler owns
 * the raw connections of its server's addresses. Server-level only, as the connection comes
 * before any request, section or virtual host name.
 */
export const TsConnectionHandler = directive<HandlerEntry>({
  name: "TsConnectionHandler",
  context: "server",
  args: 1,
  parse: ([spec], where) => handlerEntry(where, spec, false),
});

export const CONNECTION_HANDLER_FUNCTION = "connectionhandler";

/** The connection handler configured for a server, or null; what the ts-handlers config carries. */
export interface ConnectionHandlerConfig {
  readonly connectionHandler: HandlerEntry | null;
}

/** Runs the configured connection handler in the server's interpreter; its result must be OK or DECLINED. */
export const connectionHook: ConnectionHookSpec<ConnectionHandlerConfig> = {
  when: (config) => config.connectionHandler !== null,
  async run(conn, config, ctx) {
    const entry = config.connectionHandler!;
    const fn = loadFunction(entry, ctx);
    const result: unknown = await fn(conn);
    if (result !== OK && result !== DECLINED) {
      throw new TsmodError(ErrorCode.HANDLER_BAD_RESULT, `connection handler '${describeEntry(entry)}' returned ${String(result)}, not OK or DECLINED`);
    }
    return result;
  },
};

function loadFunction(entry: HandlerEntry, ctx: ConnectionContext): (conn: RawConnection) => unknown {
  const registry = ctx.registry(ctx.core.interpreter ?? ctx.server.serverHostname);
  let handlerExports: Record<string, unknown>;
  if (isBuiltinName(entry.module)) handlerExports = registry.builtin(entry.module) as Record<string, unknown>;
  else {
    const dirs = [entry.directory, ...(ctx.core.tsPath ?? []), ctx.server.documentRoot, ctx.server.serverRoot].filter((d): d is string => !!d);
    const file = findHandlerModule(entry.module, dirs, ctx.server.serverRoot);
    if (!file) throw new TsmodError(ErrorCode.MODULE_NOT_FOUND, `connection handler module '${entry.module}' not found (looked in ${dirs.join(", ")})`);
    handlerExports = registry.load(file, { autoReload: ctx.core.autoReload });
  }
  const name = entry.func ?? CONNECTION_HANDLER_FUNCTION;
  const fn = Object.hasOwn(handlerExports, name) ? handlerExports[name] : undefined;
  if (typeof fn !== "function") throw new TsmodError(ErrorCode.HANDLER_NOT_FOUND, `module '${entry.module}' contains no function '${name}'`);
  return fn as (conn: RawConnection) => unknown;
}
