import { APLOG_ALERT, APLOG_CRIT, APLOG_DEBUG, APLOG_EMERG, APLOG_ERR, APLOG_INFO, APLOG_NOTICE, APLOG_WARNING } from "../constants";
import { appendList, directive, extensionArg, flagArg, intArg, mergeMaps, secondsArg, type DirectiveSpec } from "../config";
import { parseHandlerSpec } from "./handler-entry";
import { isIpSpec } from "./ip-spec";
import { combineRules, mergeRules, parseRequirement, type RequireRules } from "./require-rules";
import { PROCESS_DIRECTIVES } from "./process-directives";
import { TLS_DIRECTIVES } from "./tls-directives";

/**
 * The directives of Apache's core (and mod_python's settings) that the engine itself reads: the
 * socket server, the Request object and the phase loop need them before any module runs.
 */

export const LOG_LEVELS: Record<string, number> = {
  emerg: APLOG_EMERG,
  alert: APLOG_ALERT,
  crit: APLOG_CRIT,
  error: APLOG_ERR,
  warn: APLOG_WARNING,
  notice: APLOG_NOTICE,
  info: APLOG_INFO,
  debug: APLOG_DEBUG,
};

export interface ListenAddress {
  readonly host: string | undefined;
  readonly port: number;
  /** `Listen 443 https`: the address speaks TLS; null when the line names no protocol. */
  readonly protocol: "http" | "https" | null;
}

export function parseListen(value: string, protocol?: string): ListenAddress {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]:|([^:[\]]+):)?(\d+)$/.exec(value);
  if (!m) throw new Error(`Listen takes [address:]port, not '${value}'`);
  const port = Number(m[3]);
  if (port > 65535) throw new Error(`port ${port} is out of range`);
  const proto = protocol?.toLowerCase() ?? null;
  if (proto !== null && proto !== "http" && proto !== "https") throw new Error(`Listen: unknown protocol '${protocol}' (http or https)`);
  return { host: m[1] ?? m[2], port, protocol: proto };
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

/** Apache 2.4's defaults: `RequestReadTimeout header=20-40,MinRate=500 body=20,MinRate=500`. */
export const DEFAULT_HEADER_READ_TIMEOUT: ReadStage = { initial: 20, max: 40, minRate: 500 };
export const DEFAULT_BODY_READ_TIMEOUT: ReadStage = { initial: 20, max: 0, minRate: 500 };

/**
 * One `stage=value` of `RequestReadTimeout`, with mod_reqtimeout's syntax and checks:
 * `T`, `T,MinRate=R` or `T-maxT,MinRate=R` (a range needs MinRate); `0` disables the stage.
 */
export function parseReadStage(value: string): ReadStage | null {
  const comma = value.toLowerCase().indexOf(",minrate=");
  const times = comma < 0 ? value : value.slice(0, comma);
  const minRate = comma < 0 ? 0 : wholeNumber(value.slice(comma + ",minrate=".length), "MinRate");
  if (comma >= 0 && minRate === 0) throw new Error("the minimum data rate must be larger than 0");
  const dash = times.indexOf("-");
  if (dash >= 0 && comma < 0) throw new Error("a timeout range (T-maxT) needs MinRate");
  const initial = wholeNumber(dash < 0 ? times : times.slice(0, dash), "the timeout");
  const max = dash < 0 ? 0 : wholeNumber(times.slice(dash + 1), "the maximum timeout");
  if (max && initial >= max) throw new Error("the maximum timeout must be larger than the initial timeout");
  return initial === 0 ? null : { initial, max, minRate };
}

function wholeNumber(text: string, what: string): number {
  if (!/^\d+$/.test(text)) throw new Error(`${what} must be a whole number, not '${text}'`);
  return Number(text);
}

/** Apache's ceiling for LimitRequestFields. */
const MAX_REQUEST_FIELDS = 32767;
/** Ceiling for LimitRequestLine and LimitRequestFieldSize: a request head is never megabytes. */
const MAX_REQUEST_HEAD_BYTES = 1024 * 1024;

/** `Options` words; a list without +/- replaces every flag, as in Apache. */
const OPTION_FLAGS = ["Indexes", "FollowSymLinks", "SymLinksIfOwnerMatch", "ExecCGI", "Includes", "IncludesNOEXEC", "MultiViews"];

function oneArg<T>(name: string, context: DirectiveSpec<T>["context"], parse: (value: string, where: Parameters<DirectiveSpec<T>["parse"]>[1]) => T): DirectiveSpec<T> {
  return { name, context, args: 1, parse: ([value], where) => parse(value, where) };
}

// ---- the main server (the process) ----

export const Listen = directive<ListenAddress[]>({ name: "Listen", context: "main", args: [1, 2], parse: ([addr, protocol]) => [parseListen(addr, protocol)], combine: appendList });
export const Workers = oneArg("Workers", "main", (n) => intArg("Workers", n, 1));
export const StartServers = directive<number>({ ...oneArg("StartServers", "main", (n) => intArg("StartServers", n, 1)), shares: Workers });
export const GracefulShutdownTimeout = oneArg("GracefulShutdownTimeout", "main", (v) => secondsArg("GracefulShutdownTimeout", v));

// ---- each server ----

export const ServerName = oneArg("ServerName", "server", (name) => name.replace(/^[a-z]+:\/\//i, "").replace(/:\d+$/, ""));
/** Only inside `<VirtualHost>` in Apache; at the main server's level it names nothing more. */
export const ServerAlias = directive<string[]>({ name: "ServerAlias", context: "server", args: [1, Infinity], parse: (names) => names, combine: appendList });
export const ServerAdmin = oneArg("ServerAdmin", "server", (admin) => admin);
export const DocumentRoot = oneArg("DocumentRoot", "server", (dir, where) => where.resolvePath(dir).replace(/\/+$/, "") || "/");
export const Timeout = oneArg("Timeout", "server", (v) => secondsArg("Timeout", v));
export const KeepAliveTimeout = oneArg("KeepAliveTimeout", "server", (v) => secondsArg("KeepAliveTimeout", v));
export const LimitRequestFields = oneArg("LimitRequestFields", "server", (v) => intArg("LimitRequestFields", v, 0, MAX_REQUEST_FIELDS));
export const LimitRequestFieldSize = oneArg("LimitRequestFieldSize", "server", (v) => intArg("LimitRequestFieldSize", v, 1, MAX_REQUEST_HEAD_BYTES));
export const LimitRequestLine = oneArg("LimitRequestLine", "server", (v) => intArg("LimitRequestLine", v, 1, MAX_REQUEST_HEAD_BYTES));
export const ErrorLog = oneArg("ErrorLog", "server", (file, where) => (/^(stderr|stdout)$/i.test(file) ? file.toLowerCase() : where.resolvePath(file)));
export const LogLevel = oneArg("LogLevel", "server", (level) => {
  const n = LOG_LEVELS[level.toLowerCase()];
  if (n === undefined) throw new Error(`LogLevel: unknown level '${level}' (one of ${Object.keys(LOG_LEVELS).join(", ")})`);
  return n;
});

export interface ReadTimeouts {
  /** Absent: the stage keeps its default; null: the stage is disabled (`header=0`). */
  readonly header?: ReadStage | null;
  readonly body?: ReadStage | null;
}

export const RequestReadTimeout = directive<ReadTimeouts>({
  name: "RequestReadTimeout",
  context: "server",
  args: [1, Infinity],
  parse(args) {
    const out: { header?: ReadStage | null; body?: ReadStage | null } = {};
    for (const arg of args) {
      const eq = arg.indexOf("=");
      if (eq < 0) throw new Error(`RequestReadTimeout: '${arg}' is not stage=value (header=... or body=...)`);
      const key = arg.slice(0, eq).toLowerCase();
      if (key !== "header" && key !== "body") {
        const hint = key === "handshake" ? " (tsmod serves no TLS of its own, so there is no handshake stage)" : "";
        throw new Error(`RequestReadTimeout: unknown stage '${arg.slice(0, eq)}'; use header= or body=${hint}`);
      }
      try {
        out[key] = parseReadStage(arg.slice(eq + 1));
      } catch (e) {
        throw new Error(`RequestReadTimeout: ${arg}: ${(e as Error).message}`);
      }
    }
    return out;
  },
  combine: (a, b) => ({ ...a, ...b }),
  merge: (a, b) => ({ ...a, ...b }),
});

/** mod_remoteip: the header a trusted proxy puts the client's address in (e.g. X-Forwarded-For). */
export const RemoteIPHeader = oneArg("RemoteIPHeader", "server", (name) => {
  if (!/^[A-Za-z0-9-]+$/.test(name)) throw new Error(`'${name}' is not a header name`);
  return name;
});

/** mod_remoteip: proxies (addresses or CIDR ranges) whose forwarding headers are believed. */
export const RemoteIPTrustedProxy = directive<string[]>({
  name: "RemoteIPTrustedProxy",
  context: "server",
  args: [1, Infinity],
  parse(specs) {
    const bad = specs.find((spec) => !isIpSpec(spec));
    if (bad) throw new Error(`'${bad}' is not an address, a network prefix or a CIDR range`);
    return specs;
  },
  combine: appendList,
});

// ---- per directory ----

export const Options = directive<Map<string, boolean>>({
  name: "Options",
  context: "both",
  args: [1, Infinity],
  parse(words) {
    const flags = new Map<string, boolean>();
    const relative = words.every((w) => w.startsWith("+") || w.startsWith("-"));
    if (!relative && words.some((w) => w.startsWith("+") || w.startsWith("-"))) {
      throw new Error("Options: either all options must start with + or -, or no option may");
    }
    if (!relative) for (const f of OPTION_FLAGS) flags.set(f, false);
    for (const w of words) {
      const bare = relative ? w.slice(1) : w;
      if (bare.toLowerCase() === "none" && !relative) continue;
      if (bare.toLowerCase() === "all" && !relative) {
        for (const f of OPTION_FLAGS) if (f !== "MultiViews") flags.set(f, true);
        continue;
      }
      const flag = OPTION_FLAGS.find((f) => f.toLowerCase() === bare.toLowerCase());
      if (!flag) throw new Error(`Options: unknown option '${bare}'`);
      flags.set(flag, !w.startsWith("-"));
    }
    return flags;
  },
  combine: mergeMaps,
  merge: mergeMaps,
});

/** "" is `SetHandler None`. */
export const SetHandler = oneArg("SetHandler", "both", (handler) => (handler.toLowerCase() === "none" ? "" : handler));

/** By extension (lower-case, with the dot); "" marks one removed. */
export const AddHandler = directive<Map<string, string>>({
  name: "AddHandler",
  context: "both",
  args: [2, Infinity],
  parse: ([handler, ...exts]) => new Map(exts.map((e) => [extensionArg(e), handler])),
  combine: mergeMaps,
  merge: mergeMaps,
});
export const RemoveHandler = directive<Map<string, string>>({
  name: "RemoveHandler",
  context: "both",
  args: [1, Infinity],
  parse: (exts) => new Map(exts.map((e) => [extensionArg(e), ""])),
  shares: AddHandler,
});

/** By status; "" is `ErrorDocument N default`. */
export const ErrorDocument = directive<Map<number, string>>({
  name: "ErrorDocument",
  context: "both",
  args: 2,
  parse([code, target]) {
    const status = intArg("ErrorDocument", code, 400);
    if (status > 599) throw new Error(`ErrorDocument: ${status} is not an error status`);
    return new Map([[status, target.toLowerCase() === "default" ? "" : target]]);
  },
  combine: mergeMaps,
  merge: mergeMaps,
});

export const LimitRequestBody = oneArg("LimitRequestBody", "both", (n) => intArg("LimitRequestBody", n));

/** "" is `AuthType None`. */
export const AuthType = oneArg("AuthType", "both", (type) => (type.toLowerCase() === "none" ? "" : type));
export const AuthName = oneArg("AuthName", "both", (name) => name);

// ---- mod_python's settings, read by `req.getConfig()` and the loader ----

/** `TsOption key [value]`; "" marks a key unset at this level. */
export const TsOption = directive<Map<string, string>>({
  name: "TsOption",
  context: "both",
  args: [1, 2],
  parse: ([key, value = ""]) => new Map([[key, value]]),
  combine: mergeMaps,
  merge: mergeMaps,
});

function flagSetting(name: string): DirectiveSpec<boolean> {
  return oneArg(name, "both", (v) => flagArg(name, v));
}

export const TsDebug = flagSetting("TsDebug");
export const TsAutoReload = flagSetting("TsAutoReload");
/** mod_python's PythonInterpPerDirectory: the interpreter is named after the request's file's folder. */
export const TsInterpPerDirectory = flagSetting("TsInterpPerDirectory");
/** mod_python's PythonInterpPerDirective: named after the folder of the section naming the handler. */
export const TsInterpPerDirective = flagSetting("TsInterpPerDirective");
export const TsPath = directive<string[]>({ name: "TsPath", context: "both", args: [1, Infinity], parse: (dirs, where) => dirs.map((d) => where.resolvePath(d)) });
export const TsInterpreter = oneArg("TsInterpreter", "both", (name) => name);

/** `TsImport module[::function] [interpreter]`: loaded (and called) before serving. */
export interface ImportEntry {
  readonly module: string;
  readonly func: string | null;
  readonly interpreter: string | null;
  readonly file: string;
  readonly line: number;
}

export const TsImport = directive<ImportEntry[]>({
  name: "TsImport",
  context: "main",
  args: [1, 2],
  parse([spec, interpreter], where) {
    const { module, func } = parseHandlerSpec(spec);
    return [{ module, func, interpreter: interpreter ?? null, file: where.file, line: where.line }];
  },
  combine: appendList,
});


/**
 * `Require` lines (mod_authz_core): a place's lines accumulate (Apache's implicit `<RequireAny>`);
 * an inner section's replace the inherited ones unless `AuthMerging` says otherwise. The
 * containers and `<Limit>` (the authz_core module's) store into the same value.
 */
export const Require = directive<RequireRules>({
  name: "Require",
  context: "both",
  args: [1, Infinity],
  parse: (words, where) => ({ nodes: [parseRequirement(words, where.inside === null)] }),
  combine: combineRules,
  merge: mergeRules,
});

export const CORE_DIRECTIVES: readonly DirectiveSpec<any>[] = [
  Listen, Workers, StartServers, GracefulShutdownTimeout, TsImport,
  ServerName, ServerAlias, ServerAdmin, DocumentRoot, Timeout, KeepAliveTimeout,
  LimitRequestFields, LimitRequestFieldSize, LimitRequestLine, RequestReadTimeout, ErrorLog, LogLevel,
  RemoteIPHeader, RemoteIPTrustedProxy,
  Options, SetHandler, AddHandler, RemoveHandler, ErrorDocument, LimitRequestBody, AuthType, AuthName, Require,
  TsOption, TsDebug, TsAutoReload, TsPath, TsInterpreter,
  TsInterpPerDirectory, TsInterpPerDirective,   ...TLS_DIRECTIVES, ...PROCESS_DIRECTIVES,
];
