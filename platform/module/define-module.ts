import type { ConfigError } from "../errors";
import type { ConfigValues, DirectiveSpec, ParsedConfig } from "../config";
import type { CoreDir, CoreMain, CoreServer } from "../core";
import type { ErrorLog } from "../log";
import type { ModuleRegistry } from "../loader";
import type { RawConnection, Request, RequestServices, ServerInfo } from "../request";

/** A result or the promise of one: a hook that has nothing to wait for answers at once. */
export type HookResult = number | Promise<number>;

/**
 * The request phases a module can hook, in Apache's order. `first` phases stop at the first
 * hook that does not DECLINE (Apache's RUN_FIRST); `all` phases run every hook while each
 * answers OK or DECLINED (RUN_ALL).
 */
export const HOOK_PHASES = {
  postRead: "all",
  translate: "first",
  mapToStorage: "first",
  headerParser: "all",
  access: "all",
  authn: "first",
  authz: "first",
  type: "first",
  fixup: "all",
  log: "all",
  cleanup: "all",
} as const;

export type HookPhase = keyof typeof HOOK_PHASES;

/** A hook gets the request and the module's per-directory config for it. */
export type Hook<D> = (req: Request, config: D) => HookResult;

/** Apache's APR_HOOK_FIRST / MIDDLE / LAST: lower runs earlier; equal orders run in module order. */
export const HOOK_FIRST = -10;
export const HOOK_MIDDLE = 0;
export const HOOK_LAST = 10;

export interface HookSpec<D> {
  readonly run: Hook<D>;
  /** Default HOOK_MIDDLE. */
  readonly order?: number;
  /** Whether the hook has anything to do for a plan (asked once per plan, not per request). */
  readonly when?: (config: D) => boolean;
}

export type HookDeclaration<D> = Hook<D> | HookSpec<D> | readonly (Hook<D> | HookSpec<D>)[];

/** What a module's start-up sees: the loaded configuration and the site's error log. */
export interface ModuleContext {
  readonly config: ParsedConfig;
  readonly main: CoreMain;
  readonly servers: readonly CoreServer[];
  readonly errorLog: ErrorLog;
  /** The implementations every loaded module provides of a kind, by name. */
  providers<T>(kind: string): ReadonlyMap<string, T>;
}

/** What a load-time check sees; errors are reported at a `FILE:LINE`. */
export interface CheckContext {
  readonly config: ParsedConfig;
  readonly main: CoreMain;
  readonly servers: readonly CoreServer[];
  /** Modules handler code may import by name (`tsmod`, `tsmod/publisher`, ...). */
  readonly builtins: ReadonlySet<string>;
  /** The implementations every loaded module provides of a kind, by name (to check names given in directives). */
  providers<T>(kind: string): ReadonlyMap<string, T>;
  /** No error was found before the checks: one that only makes sense on a sound configuration can skip otherwise. */
  readonly clean: boolean;
  /** Default code TSMOD_CONFIG_ARGUMENTS. */
  report(file: string, line: number, message: string, code?: ConfigError["code"]): void;
  /** The implementations every loaded module provides of a kind, by name. */
  providers<T>(kind: string): ReadonlyMap<string, T>;
  /**
   * Set for `tsmod configtest`: the checks that cost time or run site code (compiling and
   * evaluating handler modules, looking at folders). Null when a server starts.
   */
  readonly deep: DeepCheck | null;
}

/** What `tsmod configtest` adds to a module's load-time check. */
export interface DeepCheck {
  /** Compiles and evaluates a site module (once per file per check); throws what loading it throws. */
  load(file: string): Record<string, unknown>;
  /**
   * Reports at `at` unless `file` can be written: a log `file` (default) needs its folder to
   * exist and be writable; a data `folder` is made on use, so its nearest existing ancestor
   * must be writable. `what` names it in the message ("ErrorLog").
   */
  writable(file: string, what: string, at: { file: string; line: number }, kind?: "file" | "folder"): void;
}

/**
 * Named implementations a module offers others by kind: `sessionStore` (the session stores),
 * `auth` (authentication providers), or a kind of the module's own.
 */
export type Providers = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

/**
 * Provider kind `refusedRequestLog`: what the server calls for a request Node's parser refused
 * (malformed, too large, too slow), which runs no phase: its access-log line.
 */
export interface RefusedRequestLog {
  log(req: Request): void;
}

/** What a connection hook sees besides the connection: its server and where its code loads. */
export interface ConnectionContext {
  readonly server: ServerInfo;
  /** The core's settings at the server's top level (TsPath, TsAutoReload, TsInterpreter, ...). */
  readonly core: CoreDir;
  readonly errorLog: ErrorLog;
  registry(interpreter: string): ModuleRegistry;
}

/**
 * Apache's process_connection: a module that speaks its own protocol on a server's
 * connections. OK: the hook served the connection (it is closed after); DECLINED: the next
 * hook, or HTTP, gets the connection with whatever the hook left unread.
 */
export interface ConnectionHookSpec<D> {
  /** Whether the hook takes connections of a server, with the module's config at its top level (asked once per configuration). */
  readonly when: (config: D) => boolean;
  readonly run: (conn: RawConnection, config: D, ctx: ConnectionContext) => HookResult;
}

export interface ModuleSpec<D> {
  /** Unique among the loaded modules; `<IfModule NAME>` and `LoadModule NAME` use it. */
  readonly name: string;
  readonly directives?: readonly DirectiveSpec<any>[];
  /**
   * The module's per-directory config, from a plan's merged directive values; worked out once per
   * plan. Without it the config is an object of the module's directive values by name.
   */
  readonly dirConfig?: (values: ConfigValues, core: CoreDir) => D;
  /**
   * The module's per-server config (Apache's create_server_config), from a (virtual) server's
   * top-level values, worked out once per load; `serverConfigOf(req, module)` reads it.
   */
  readonly serverConfig?: (values: ConfigValues, server: CoreServer) => unknown;
  readonly hooks?: { readonly [P in HookPhase]?: HookDeclaration<D> };
  /** Raw connections of the servers it is configured for, before (or instead of) HTTP. */
  readonly connection?: ConnectionHookSpec<D>;
  /** Just before a response head goes out (mod_headers' `Header` rules, ...). */
  readonly beforeHeaders?: (req: Request, config: D) => void;
  /** Content handlers by name, for `SetHandler NAME` / `AddHandler NAME .ext`. */
  readonly handlers?: Readonly<Record<string, Hook<D>>>;
  readonly providers?: Providers;
  /** Modules handler code imports by name (`tsmod/publisher`), loaded on first use. */
  readonly builtins?: Readonly<Record<string, () => unknown>>;
  /** What the Request asks of the modules above it (filters, sessions); one module per service. */
  readonly services?: Partial<RequestServices>;
  /**
   * The `TsOption tsmod.*` keys the module reads, with a line of description: `tsmod.*` keys no
   * loaded module declares are load-time errors (with "did you mean").
   */
  readonly options?: Readonly<Record<string, string>>;
  /** Load-time checks of the whole configuration. */
  readonly check?: (ctx: CheckContext) => void;
  /**
   * Once the configuration is loaded, before the first request. What it returns is the module's
   * state for that configuration (`moduleState(req, module)`): a reload starts the module again
   * while requests on the old configuration finish with the old state.
   */
  readonly start?: (ctx: ModuleContext) => unknown;
  /** When that configuration retires (after its last request), with the state `start` made. */
  readonly stop?: (state: any) => void | Promise<void>;
}

/** A module, as `defineModule` makes it: what `LoadModule` and `startServer({ modules })` take. */
export interface TsmodModule<D = Record<string, unknown>> extends ModuleSpec<D> {
  readonly kind: typeof MODULE_KIND;
}

export const MODULE_KIND = "tsmod-module";

/**
 * Declares a module: its directives, per-directory config, hooks, handlers, providers. The core's
 * own features are made with it too.
 */
export function defineModule<D = Record<string, unknown>>(spec: ModuleSpec<D>): TsmodModule<D> {
  if (!/^[A-Za-z][\w.-]*$/.test(spec.name)) throw new TypeError(`defineModule: '${spec.name}' is not a module name (letters, digits, '_', '.', '-')`);
  for (const d of spec.directives ?? []) {
    if (typeof d.name !== "string" || typeof d.parse !== "function") throw new TypeError(`defineModule ${spec.name}: a directive needs a name and a parse function`);
  }
  return Object.freeze({ ...spec, kind: MODULE_KIND });
}

export function isModule(value: unknown): value is TsmodModule<unknown> {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === MODULE_KIND;
}

/** What an authentication provider answers for a user name and password (Apache's authn_status). */
export type AuthResult = "granted" | "denied" | "unknown";

/**
 * Provider kind `auth`: a source of users that `AuthBasicProvider` / `AuthFormProvider` name
 * (Apache's authn providers: `file`, `tsmod`, or a module's own). Providers are asked in the
 * configured order; "unknown" passes the user to the next one.
 */
export interface AuthProvider {
  /**
   * "denied": wrong password or a disabled user; "unknown": no such user here. May answer at once
   * (a credential it verified before): callers `await` it or use `andThen`.
   */
  checkPassword(req: Request, user: string, password: string): AuthResult | Promise<AuthResult>;
  /** The user's groups for `Require group`; undefined: this provider knows no groups. */
  groups?(req: Request, user: string): Promise<readonly string[] | undefined>;
}

/**
 * `req.notes` key under which the authentication that set `req.user` records the provider's
 * name, so `Require group` asks that provider for the user's groups (Apache's AUTHN_PROVIDER_NAME_NOTE).
 */
export const AUTHN_PROVIDER_NOTE = "authn-provider";

/** What the module registry asks of the built-in modules (`tsmod`, `tsmod/publisher`, ...). */
export interface BuiltinTable {
  has(name: string): boolean;
  get(name: string): unknown;
}
