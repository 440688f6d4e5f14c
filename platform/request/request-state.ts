import type { IncomingMessage } from "node:http";
import type { DirConfig, HandlerEntry } from "../config/model";
import type { ConfigLookup } from "../config/lookup";
import type { FilterDirection, RequestFilters } from "../filters";
import type { ErrorLog } from "../log";
import type { ModuleRegistry } from "../loader";
import type { BodyReader } from "./body-reader";
import type { Output } from "./output";
import type { Request } from "./request";

/** What a request needs from the running server (implemented in `server/`). */
export interface RequestRuntime {
  readonly errorLog: ErrorLog;
  /** Runs a new request for `uri` through the phases, sharing this request's response. */
  internalRedirect(req: Request, uri: string): Promise<void>;
  registry(interpreter: string): ModuleRegistry;
  /** True when any interpreter has loaded `filename` as code (never served as a file). */
  isLoadedModule(filename: string): boolean;
  /** Looks up extension hooks other subsystems registered (forms, sessions, ...). */
  readonly extensions: RequestExtensions;
}

/**
 * Features provided by subsystems outside `platform/` (sessions live in `sessions/`, which
 * depends on the platform, not the other way round): the server wires them in at start.
 */
export interface RequestExtensions {
  getSession?: (req: Request) => Promise<import("./session-like").SessionLike>;
  /** Releases what the extensions hold (database pools, timers) when the Site closes. */
  close?: () => Promise<void>;
}

/** Builds the extensions for one loaded configuration (a SIGHUP builds new ones). */
export type ExtensionsFactory = (config: import("../config/model").ServerConfig, log: (message: string) => void) => RequestExtensions;

/** Per-request bookkeeping the phases and the Request methods share. */
export interface RequestState {
  readonly runtime: RequestRuntime;
  /** The client response, shared along an internal-redirect chain. */
  readonly output: Output;
  readonly lookup: ConfigLookup;
  dir: DirConfig;
  body: BodyReader | null;
  readonly stream: IncomingMessage;
  /** Handlers added with `req.addHandler` for phases that have not run yet (made on first use). */
  added: Map<string, HandlerEntry[]> | null;
  /** The list of the phase now running (addHandler for this phase appends to it). */
  running: { directive: string; list: HandlerEntry[]; owned: boolean } | null;
  readonly cleanups: Array<() => unknown>;
  /** `req.form()`, parsed on first use: the fields, or the promise of a body's. */
  form: import("../forms").FieldStorage | Promise<import("../forms").FieldStorage> | null;
  /** `req.cookies()`, parsed on first use. */
  cookies: Record<string, string> | null;
  /** Stat of `req.filename`, when it names an existing file or folder. */
  finfo: import("node:fs").Stats | null;
  /** Filters registered or added with `req.registerOutputFilter`, `req.addInputFilter`, ... */
  filters?: Partial<Record<FilterDirection, RequestFilters>>;
}
