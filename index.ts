/**
 * The `tsmod` package: what handler modules import (`import { OK, type Request } from "tsmod"`),
 * what module authors build with (`defineModule`), and what embedders use to run a server.
 */
import { cliMain, defineModule, TsmodServer, type ModuleSet, type Request, type ServerOptions, type TsmodModule } from "./platform";
import { shippedModuleSet } from "./builtins";
import { userDatabaseCommands } from "./handlers/user-database";
import { request as testRequest, startTestSiteWith, type TestSite, type TestSiteOptions } from "./handlers/testing";

export * from "./platform/constants";
export { ServerReturn, TsmodError, ConfigError, ConfigErrors, ErrorCode } from "./platform/errors";
export { Table, Request, ServerInfo, TsmodServer, escapeHtml, redirect } from "./platform";
export { FieldStorage, FileField, parseQs, parseQsl, DEFAULT_FORM_LIMITS, type FormLimits, type FormValue, type CookieOptions } from "./platform";
export type { ConnectionInfo, HandlerInfo, SessionLike, Filter, FilterFunction } from "./platform";
export type { RawConnection } from "./platform";
export { existsConfigDefine, serverRoot, configTree, mpmQuery, logError, registerCleanup, parseHeader, stat, APR_NOFILE, APR_REG, APR_DIR, APR_CHR, APR_BLK, APR_PIPE, APR_LNK, APR_SOCK, type ConfigNode, type Finfo } from "./platform";
export { defineModule, AUTHN_PROVIDER_NOTE, directive, appendList, mergeMaps, flagArg, intArg, secondsArg, configOf, moduleState, serverConfigOf, requestStorage, HOOK_FIRST, HOOK_MIDDLE, HOOK_LAST } from "./platform";
export type { AuthProvider, AuthResult, TsmodModule, ModuleSpec, Hook, HookSpec, HookPhase, ModuleContext, CheckContext, DirectiveSpec, DirectiveContext, Where, MaybePromise } from "./platform";
export { Session, type JsonValue, createSessionsModule, type SessionStoreProvider } from "./sessions";
export { PSP, PSPError, type PSPOptions, type PSPSource, type PSPVars } from "./psp-templates";
export { shippedModules } from "./builtins";
export { userDatabase, type UserDatabase } from "./handlers/user-database";
export { tsmodRequest, appEnv, type AppEnv } from "./platform";

/** `tsmod` as handler code and modules import it: this package's own exports, never a second copy. */
const packageApi = defineModule({
  name: "tsmod_api",
  builtins: {
    tsmod: () => module.exports,
    // The npm package's name: importing it must not load a second copy from node_modules.
    "tsmod-server": () => module.exports,
    "tsmod/testing": () => ({ startTestSite, request: testRequest }),
  },
});

/** The shipped modules, the package API and `extra` (one with a shipped module's name replaces it). */
export function createModuleSet(extra: readonly TsmodModule<any>[] = []): ModuleSet {
  return shippedModuleSet([packageApi, ...extra]);
}

/** A phase handler: returns OK, DECLINED, DONE or an HTTP status (or throws ServerReturn). */
export type Handler = (req: Request) => number | Promise<number>;

export interface StartOptions extends Omit<ServerOptions, "modules"> {
  /** Modules added to the shipped ones (one with a shipped module's name replaces it). */
  readonly modules?: readonly TsmodModule<any>[];
}

/** Starts a server for a configuration file, with tsmod's shipped modules and `options.modules`. */
export function startServer(configFile: string, options: StartOptions = {}): Promise<TsmodServer> {
  return TsmodServer.start(configFile, { ...options, modules: createModuleSet(options.modules) });
}

/** The `tsmod` command line. */
export function runCli(argv: string[]): Promise<void> {
  return cliMain(argv, createModuleSet(), userDatabaseCommands);
}

export { testRequest };
export type { TestSite, TestSiteOptions, TestRequestOptions, TestReply } from "./handlers/testing";

export interface StartTestSiteOptions extends TestSiteOptions {
  /** Modules added to the shipped ones, as for `startServer`. */
  readonly modules?: readonly TsmodModule<any>[];
}

/**
 * A site for a test: a real server for a configuration text on a free port, with the shipped
 * modules (see docs/testing.md). `import { startTestSite } from "tsmod-server/testing"`.
 */
export function startTestSite(config: string, options: StartTestSiteOptions = {}): Promise<TestSite> {
  return startTestSiteWith(createModuleSet(options.modules), config, options);
}
