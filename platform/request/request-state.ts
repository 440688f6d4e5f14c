import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import type { HandlerEntry, PlanView } from "../core";
import type { ErrorLog } from "../log";
import type { ModuleRegistry } from "../loader";
import type { BodyReader } from "./body-reader";
import type { BodySink, Output, OutputChain } from "./output";
import type { Request } from "./request";
import type { SessionLike } from "./session-like";

export type FilterDirection = "output" | "input";

/**
 * What the Request asks of the modules above it: the filters module runs bodies through
 * filters, the sessions module gives sessions. Each is one module's (the server fills in
 * plain defaults for those no module offers).
 */
export interface RequestServices {
  /** The output filters' chain for the response, writing into `sink`; null when none apply. */
  outputChain(req: Request, sink: BodySink, onFailure: (error: Error) => void): OutputChain | null;
  /** The request body as handlers read it (through the input filters in effect). */
  requestBody(req: Request): Readable;
  /** True once the body stream exists: input filters added later could not apply. */
  requestBodyStarted(req: Request): boolean;
  /** `req.addOutputFilter(name)` / `req.addInputFilter(name)`. */
  addFilter(req: Request, direction: FilterDirection, name: string, started: boolean): void;
  /** `req.registerOutputFilter(name, handler)` / `req.registerInputFilter(...)`. */
  registerFilter(req: Request, direction: FilterDirection, name: string, handler: string, directory?: string): void;
  /** `req.getSession()`. */
  getSession(req: Request): Promise<SessionLike>;
}

/** What a request needs from the running server (implemented in `server/`). */
export interface RequestRuntime {
  readonly errorLog: ErrorLog;
  /** Runs a new request for `uri` through the phases, sharing this request's response. */
  internalRedirect(req: Request, uri: string): Promise<void>;
  /** A sub-request for `target` run through its sections' access checks only (`req.lookupAccess`). */
  lookupAccess(req: Request, target: AccessTarget): Promise<AccessLookup>;
  registry(interpreter: string): ModuleRegistry;
  /** A GET sub-request for `uri` whose body goes to `write`; answers its status. */
  subRequest(req: Request, uri: string, write: (body: Buffer) => Promise<void>): Promise<number>;
  /** True when any interpreter has loaded `filename` as code (never served as a file). */
  isLoadedModule(filename: string): boolean;
  readonly services: RequestServices;
  /** Before a response head goes out: the modules' `beforeHeaders` (mod_headers' rules). */
  beforeHeaders(req: Request): void;
}

/** The request whose access `req.lookupAccess` checks. */
export interface AccessTarget {
  /** The request target: a path with an optional query (or an absolute URL, whose path is used). */
  readonly uri: string;
  /** Default: the request's method. */
  readonly method?: string;
  /** The Host it is for (chooses the virtual host); default: the request's. */
  readonly hostname?: string;
}

/** What `req.lookupAccess` found. */
export interface AccessLookup {
  /** OK when the sections allow it, else the status it would be refused with (401, 403, a redirect, ...). */
  readonly status: number;
  /** The sub-request: `user`, `apAuthType`, `notes`, `errHeadersOut` as its checks left them. */
  readonly request: Request;
}

/** Per-request bookkeeping the phases and the Request methods share. */
export interface RequestState {
  readonly runtime: RequestRuntime;
  /** The client response, shared along an internal-redirect chain. */
  readonly output: Output;
  /** The plan of the sections that apply (the server's top level until the file is known). */
  plan: PlanView;
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
  /**
   * The folder translation mapped the URL into (DocumentRoot, an Alias target): symbolic links
   * may not lead out of it without `Options FollowSymLinks`. Null when a handler chose the file.
   */
  mappedRoot: string | null;
  /**
   * The content handler that serves the URL when the one `req.handler` names declines (a
   * proxied URL's backend under `SetHandler tsmod`); null: the default handler.
   */
  fallbackHandler: string | null;
  /** Stat of `req.filename`, when it names an existing file or folder. */
  finfo: import("node:fs").Stats | null;
  /** What modules keep for the request, keyed by the module's own key object (made on first use). */
  modules: Map<object, unknown> | null;
}

/** A module's state for one request, made on its first use. */
export function requestStorage<T>(req: Request, key: object, make: () => T): T {
  const s = req._state;
  s.modules ??= new Map();
  let value = s.modules.get(key) as T | undefined;
  if (value === undefined) {
    value = make();
    s.modules.set(key, value);
  }
  return value;
}
