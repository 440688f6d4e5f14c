/**
 * The `tsmod` package: what handler modules import (`import { OK, type Request } from "tsmod"`)
 * and what embedders use to run a server.
 */
import { cliMain, TsmodServer, type Request, type ServerOptions } from "./platform";
import { createBuiltins } from "./builtins";
import { sessionExtensions } from "./sessions";

export * from "./platform/constants";
export { ServerReturn, TsmodError, ConfigError, ConfigErrors, ErrorCode } from "./platform/errors";
export { Table, Request, ServerInfo, TsmodServer, loadConfig, escapeHtml, redirect } from "./platform";
export { FieldStorage, FileField, parseQs, parseQsl, DEFAULT_FORM_LIMITS, type FormLimits, type FormValue, type CookieOptions } from "./platform";
export type { ConnectionInfo, HandlerInfo, ServerConfig, SessionLike, Filter, FilterFunction } from "./platform";
export { Session, type JsonValue } from "./sessions";
export { PSP, PSPError, type PSPOptions, type PSPSource, type PSPVars } from "./psp-templates";

/** A phase handler: returns OK, DECLINED, DONE or an HTTP status (or throws ServerReturn). */
export type Handler = (req: Request) => number | Promise<number>;

/** Starts a server for a configuration file, with tsmod's built-in handler modules. */
export function startServer(configFile: string, options: Partial<ServerOptions> = {}): Promise<TsmodServer> {
  return TsmodServer.start(configFile, { ...options, builtins: options.builtins ?? createBuiltins(), extensions: options.extensions ?? sessionExtensions });
}

/** The `tsmod` command line. */
export function runCli(argv: string[]): Promise<void> {
  return cliMain(argv, createBuiltins(), sessionExtensions);
}
