/**
 * The resolved configuration: what the parser builds once at load time and the request path
 * only reads.
 */

import type { ConfigRegex } from "./config-regex";

/** One handler named by a `Ts*Handler` directive (or added at run time with `req.addHandler`). */
export interface HandlerEntry {
  /** Module name as written: `app/auth`, `tests`, `tsmod/publisher`. */
  readonly module: string;
  /** Explicit `::function` (may be dotted), or null for the phase's default name. */
  readonly func: string | null;
  /** Folder the module is resolved against first (with a trailing `/`), or null. */
  readonly directory: string | null;
  readonly isLocation: boolean;
  /** From `TsHandlerModule`: a missing function is skipped instead of being an error. */
  readonly silent: boolean;
}

/** Per-directory settings: what `<Directory>`, `<Location>`, ... sections and the top level set. */
export interface DirConfig {
  /** Handler lists keyed by directive name, or `directive.ext` for `| .ext` lists. */
  handlers: Map<string, HandlerEntry[]>;
  /** The table `req.getConfig()` returns: `TsDebug` → "1"/"0", `TsAutoReload`, `TsPath`, ... */
  settings: Map<string, string>;
  /** `TsOption` values; "" marks a key unset at this level. */
  options: Map<string, string>;
  setHandler?: string;
  /** `AddHandler` by extension (lower-case, with the dot); "" marks one removed. */
  addHandlers: Map<string, string>;
  addTypes: Map<string, string>;
  defaultType?: string;
  errorDocuments: Map<number, string>;
  limitRequestBody?: number;
  authType?: string;
  authName?: string;
  /** Each `Require` line as its words. */
  requires?: string[][];
  directoryIndex?: string[];
  /** `Options` flags in effect (`Indexes`, `FollowSymLinks`, ...). */
  optionFlags: Map<string, boolean>;
  /** Absolute module search folders from `TsPath`. */
  tsPath?: string[];
  interpreter?: string;
  // ---- web server essentials (static files, mod_alias, mod_headers) ----
  /** `Redirect*` rules, keyed uniquely so sections' rules accumulate through the Map merge. */
  redirects?: Map<string, RedirectRule>;
  /** `Header` rules, keyed uniquely so outer rules run before inner ones (mod_headers' order). */
  headerRules?: Map<string, HeaderRule>;
  /** `TsOutputFilter` / `TsInputFilter` registrations, keyed by lower-case filter name. */
  outputFilters?: Map<string, FilterRegistration>;
  inputFilters?: Map<string, FilterRegistration>;
  /** `SetOutputFilter` / `SetInputFilter`: filter names in order (the innermost section's list wins). */
  setOutputFilter?: string[];
  setInputFilter?: string[];
  /** `AddOutputFilter` / `AddInputFilter` by extension (lower-case, with the dot); `[]` marks one removed. */
  addOutputFilters?: Map<string, string[]>;
  addInputFilters?: Map<string, string[]>;
  // ---- reverse proxy (platform/proxy) ----
  /** `ProxyPass` rules by URL-path prefix; a `<Location>`'s own rule is keyed by its path. */
  proxyPass?: Map<string, ProxyRule>;
  /** `ProxyPassReverse` mappings by URL-path prefix. */
  proxyPassReverse?: Map<string, ProxyReverseRule>;
  proxyPreserveHost?: boolean;
  /** `ProxyTimeout` in seconds (default: `Timeout`). */
  proxyTimeout?: number;
}

/** One `Redirect`/`RedirectMatch` line. */
export interface RedirectRule {
  readonly status: number;
  /** `Redirect`: URL-path prefix matched at segment boundaries. */
  readonly fromPath: string | null;
  /** `RedirectMatch`: regular expression on the URI; `$N` in the target. */
  readonly fromRegex: ConfigRegex | null;
  /** Absolute URL or path; null for statuses that take none (410, ...). */
  readonly target: string | null;
  /** Written outside sections: checked at translation, before access control (as mod_alias). */
  readonly serverLevel: boolean;
  /** Which section (or server level) wrote it: inner sections' rules are tried first. */
  readonly group: number;
}

export type HeaderAction = "set" | "append" | "add" | "unset" | "merge" | "echo" | "setifempty" | "edit" | "edit*";

/** One `Header` line (mod_headers). */
export interface HeaderRule {
  /** `always`: acts on errHeadersOut and applies to error responses too. */
  readonly always: boolean;
  readonly action: HeaderAction;
  readonly name: string;
  /** For `echo`: the request headers to copy; for `edit`: the pattern. */
  readonly pattern: ConfigRegex | null;
  /** Value template (`%{VAR}e`, `%t`, `%D`, `%%`) or the edit replacement. */
  readonly value: string;
  /** `env=[!]VAR`: applies only when the variable is (not) set in subprocessEnv. */
  readonly env: { readonly name: string; readonly negate: boolean } | null;
}

/** One `CustomLog` line. */
export interface CustomLogSpec {
  /** A file (absolute), `stdout` or `stderr`. */
  readonly target: string;
  /** The format or nickname as written. */
  readonly formatArg: string;
  /** The format string, once nicknames are resolved after loading. */
  format: string | null;
  readonly env: { readonly name: string; readonly negate: boolean } | null;
  readonly file: string;
  readonly line: number;
}

/** A filter name bound to the handler that implements it. */
export interface FilterRegistration {
  /** As written in the configuration (filter names compare case-insensitively). */
  readonly name: string;
  readonly entry: HandlerEntry;
}

/** One `ProxyPass`: requests under `prefix` go to `target` (null: `ProxyPass /path !`, an exclusion). */
export interface ProxyRule {
  readonly prefix: string;
  readonly target: URL | null;
  readonly file: string;
  readonly line: number;
}

/** One `ProxyPassReverse`: backend URLs starting with `backend` are shown to clients under `prefix`. */
export interface ProxyReverseRule {
  readonly prefix: string;
  readonly backend: string;
  /** The path of `backend`, for backend-relative `Location: /...` values. */
  readonly backendPath: string;
}

/**
 * Every field is present, optional ones as `undefined`, in one order: all configs then share
 * one object shape, which keeps property access on the request path monomorphic.
 */
export function emptyDirConfig(): DirConfig {
  const config: { [K in keyof Required<DirConfig>]: DirConfig[K] } = {
    handlers: new Map(),
    settings: new Map(),
    options: new Map(),
    setHandler: undefined,
    addHandlers: new Map(),
    addTypes: new Map(),
    defaultType: undefined,
    errorDocuments: new Map(),
    limitRequestBody: undefined,
    authType: undefined,
    authName: undefined,
    requires: undefined,
    directoryIndex: undefined,
    optionFlags: new Map(),
    tsPath: undefined,
    interpreter: undefined,
    redirects: undefined,
    headerRules: undefined,
    outputFilters: undefined,
    inputFilters: undefined,
    setOutputFilter: undefined,
    setInputFilter: undefined,
    addOutputFilters: undefined,
    addInputFilters: undefined,
    proxyPass: undefined,
    proxyPassReverse: undefined,
    proxyPreserveHost: undefined,
    proxyTimeout: undefined,
  };
  return config;
}

/**
 * Overlays `inner` on `outer` as Apache merges per-directory configs: maps merge key by key
 * (so an inner handler list replaces the outer one for the same phase), anything else the
 * inner section sets wins.
 */
export function mergeDirConfig(outer: DirConfig, inner: DirConfig): DirConfig {
  const out: Record<string, unknown> = { ...outer };
  for (const [key, value] of Object.entries(inner)) {
    if (value === undefined) continue;
    const base = (outer as unknown as Record<string, unknown>)[key];
    out[key] = value instanceof Map && base instanceof Map ? new Map([...base, ...value]) : value;
  }
  return out as unknown as DirConfig;
}

export type SectionKind = "directory" | "files" | "location";

export interface Section {
  readonly id: number;
  readonly kind: SectionKind;
  /** Directory (absolute, trailing `/`), file name or URL path pattern as written. */
  readonly pattern: string;
  /** Set for `*Match` sections and `~` forms; also for wildcard patterns. */
  readonly regex: ConfigRegex | null;
  /** A `*Match` or `~` section (merged after the plain ones of its kind, in file order). */
  readonly isMatch: boolean;
  /** Directory sections: number of path components, for shortest-first ordering. */
  readonly depth: number;
  /** A `<Files>` nested in a `<Directory>` applies only where that directory applies. */
  readonly parent: Section | null;
  readonly config: DirConfig;
  readonly file: string;
  readonly line: number;
}

export interface AliasRule {
  readonly fromPath: string | null;
  readonly fromRegex: ConfigRegex | null;
  readonly target: string;
}

/**
 * One stage of `RequestReadTimeout` (mod_reqtimeout): the stage must complete within
 * `initial` seconds of its first read, plus one second for every `minRate` bytes received,
 * up to `max` seconds.
 */
export interface ReadStage {
  readonly initial: number;
  /** 0: the extensions have no upper limit. */
  readonly max: number;
  /** Bytes per second; 0: no extension. */
  readonly minRate: number;
}

export interface ListenAddress {
  readonly host: string | undefined;
  readonly port: number;
}

/** The main server or one `<VirtualHost>`. */
export interface VirtualServer {
  readonly isVirtual: boolean;
  /** `<VirtualHost>` addresses (`*`, `*:8080`, `127.0.0.1:80`); empty for the main server. */
  addresses: string[];
  serverName: string;
  serverAliases: string[];
  serverAdmin: string;
  documentRoot: string;
  aliases: AliasRule[];
  timeout: number;
  keepAliveTimeout: number;
  /** `RequestReadTimeout header=...`; null when that stage is disabled (`header=0`). */
  headerReadTimeout: ReadStage | null;
  /** `RequestReadTimeout body=...`; null when that stage is disabled (`body=0`). */
  bodyReadTimeout: ReadStage | null;
  limitRequestFields: number;
  limitRequestFieldSize: number;
  limitRequestLine: number;
  errorLog: string;
  logLevel: number;
  /** `CustomLog` lines; a virtual host without any inherits the main server's. */
  customLogs?: CustomLogSpec[];
  /** `LogFormat` nicknames defined at this server's level. */
  logFormats?: Map<string, string>;
  /** Top-level per-directory settings of this server (the vhost's over the main server's). */
  dir: DirConfig;
  /** The main server's sections, then this virtual host's, in file order. */
  sections: Section[];
  /** Settings written at this server's own level (for `req.server.getConfig()`). */
  serverSettings: Map<string, string>;
  serverOptions: Map<string, string>;
  readonly file: string;
  readonly line: number;
}

export interface ImportEntry {
  readonly module: string;
  readonly func: string | null;
  readonly interpreter: string | null;
  readonly file: string;
  readonly line: number;
}

export interface ServerConfig {
  /** The main configuration file, absolute. */
  readonly configFile: string;
  /** Every file read, for reloading on SIGHUP. */
  readonly files: string[];
  readonly serverRoot: string;
  readonly defines: ReadonlySet<string>;
  listen: ListenAddress[];
  workers: number;
  /** Seconds a graceful stop or a retiring worker waits for its requests; 0 = no limit (Apache's). */
  gracefulShutdownTimeout: number;
  main: VirtualServer;
  vhosts: VirtualServer[];
  imports: ImportEntry[];
}
