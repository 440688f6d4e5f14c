import { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { APLOG_ERR, APLOG_INFO, DONE, HTTP_BAD_REQUEST, HTTP_INTERNAL_SERVER_ERROR, HTTP_MOVED_TEMPORARILY, OK } from "../constants";
import { ConfigLookup, perDirConfig, type ServerConfig, type VirtualServer } from "../config";
import { ErrorCode, TsmodError } from "../errors";
import { autoReloadOn, FileWatcher, findHandlerModule, Interpreters, type ModuleRegistry } from "../loader";
import { AccessLogs, ErrorLog, type LogSink } from "../log";
import { PHASES, reportError, runPhase } from "../phases";
import { Output, Request, ServerInfo, type ConnectionInfo, type ExtensionsFactory, type RequestExtensions, type RequestRuntime, type RequestState } from "../request";
import { defaultErrorPage, prepareErrorHeaders } from "./error-response";
import { handlersFor, runPipeline } from "./pipeline";
import { parseHost } from "./host-header";
import { singleRawHeader } from "./raw-header";
import type { Refusal } from "./refusal";
import { RefusedRequest } from "./refused-request";
import { checkRequestLimits } from "./request-limits";
import { parseRequestUri, type ParsedUri } from "./request-uri";
import { type SocketAddresses, socketAddresses } from "./socket-addresses";
import { limitUnreadBody } from "./unread-body";
import { VhostMatcher } from "./vhost-match";

export interface SiteOptions {
  /** Modules handlers reach as `tsmod` and `tsmod/...`. */
  readonly builtins: ReadonlyMap<string, unknown>;
  /** Overrides `ErrorLog` (tests collect lines with a function). */
  readonly errorLog?: LogSink;
  /** Features from outside the platform (sessions), built per loaded configuration. */
  readonly extensions?: ExtensionsFactory;
}

/** Marks a request that serves an `ErrorDocument`, so an error there gets the plain page. */
const ERROR_DOCUMENT_NOTE = "tsmod.error-document";
const MAX_REDIRECTS = 10;

interface ServerEntry {
  readonly info: ServerInfo;
  readonly lookup: ConfigLookup;
}

/**
 * One loaded configuration, ready to answer requests: virtual hosts, their resolved
 * sections, the interpreters' module registries and the error log. A SIGHUP builds a new
 * Site and swaps it in; requests already running finish on the old one.
 */
export class Site implements RequestRuntime {
  readonly errorLog: ErrorLog;
  readonly interpreters: Interpreters;
  /** File watches of every interpreter (TsAutoReload); closed with the Site. */
  readonly watcher = new FileWatcher();
  readonly extensions: RequestExtensions;
  readonly mainInfo: ServerInfo;
  private readonly accessLogs: AccessLogs;
  private readonly matcher: VhostMatcher;
  private readonly servers = new Map<VirtualServer, ServerEntry>();

  constructor(
    readonly config: ServerConfig,
    options: SiteOptions,
  ) {
    this.errorLog = new ErrorLog(options.errorLog ?? config.main.errorLog, config.main.logLevel);
    this.interpreters = new Interpreters({
      builtins: options.builtins,
      watcher: this.watcher,
      log: (message, level) => this.errorLog.log(message, level),
    });
    this.extensions = options.extensions?.(config, (message) => this.errorLog.log(message, APLOG_ERR)) ?? {};
    for (const vs of [config.main, ...config.vhosts]) {
      this.servers.set(vs, { info: new ServerInfo(vs, config.serverRoot), lookup: new ConfigLookup(vs) });
    }
    this.mainInfo = this.servers.get(config.main)!.info;
    this.matcher = new VhostMatcher(config.main, config.vhosts);
    this.accessLogs = new AccessLogs(config, this.errorLog);
  }

  registry(interpreter: string): ModuleRegistry {
    return this.interpreters.get(interpreter);
  }

  isLoadedModule(filename: string): boolean {
    for (const r of this.interpreters.all()) if (r.get(filename)) return true;
    return false;
  }

  /**
   * Loads the `TsImport` modules (and calls their functions) before serving; the registry
   * loads them again after a change and calls the function on each new instance.
   */
  async runImports(): Promise<void> {
    const main = this.config.main;
    for (const imp of this.config.imports) {
      const dirs = [...(main.dir.tsPath ?? []), this.config.serverRoot, main.documentRoot];
      const report = (e: unknown) => this.errorLog.log(`${imp.file}:${imp.line}: TsImport ${imp.module}: ${(e as Error | null)?.stack ?? e}`, APLOG_ERR);
      const call = (exports: Record<string, unknown>): unknown => {
        if (!imp.func) return undefined;
        const fn = exports[imp.func];
        if (typeof fn !== "function") throw new TsmodError(ErrorCode.HANDLER_NOT_FOUND, `module '${imp.module}' contains no function '${imp.func}'`);
        return (fn as () => unknown)();
      };
      try {
        const file = findHandlerModule(imp.module, dirs);
        if (!file) throw new TsmodError(ErrorCode.MODULE_NOT_FOUND, `module '${imp.module}' not found (looked in ${dirs.join(", ")})`);
        await this.registry(imp.interpreter ?? main.serverName).preload(file, { autoReload: autoReloadOn(main.dir.settings) }, call, report);
      } catch (e) {
        report(e);
      }
    }
  }

  /**
   * Answers one client request; never throws or rejects. A request whose every step answered
   * at once, with nothing to do after the response, is complete on return: no promise.
   * A `refusal` answers it with that error without running any phase.
   */
  handle(raw: IncomingMessage, res: ServerResponse, refusal?: Refusal): Promise<void> | void {
    const addresses = socketAddresses(raw.socket);
    // From rawHeaders: `raw.headers` would build a second header object on every request, and
    // would hide a second Host header.
    const hostHeader = singleRawHeader(raw.rawHeaders, "host");
    const host = typeof hostHeader === "string" ? parseHost(hostHeader) : null;
    const badHost = hostHeader === undefined ? raw.httpVersion === "1.1" : host === null;
    const vserver = this.matcher.match(badHost ? undefined : (hostHeader ?? undefined), addresses.localPort, addresses.localIp);
    const entry = this.servers.get(vserver)!;
    const output = new Output(res);
    let parsed: ParsedUri;
    let badUri: TsmodError | null = null;
    try {
      parsed = parseRequestUri(raw.url ?? "/");
    } catch (e) {
      badUri = e as TsmodError;
      parsed = { uri: "/", args: null };
    }
    const connection = new Connection(raw, res, this.mainInfo, addresses);
    const req = new Request({
      raw,
      state: this.newState(entry, vserver, output, raw, null),
      server: entry.info,
      connection,
      method: raw.method ?? "GET",
      uri: parsed.uri,
      unparsedUri: raw.url ?? "/",
      args: parsed.args,
      hostname: host?.name || vserver.serverName,
      port: host && host.port >= 0 ? host.port : addresses.localPort,
      isHttps: false,
      prev: null,
    });
    output.head = req;
    let result: number | Promise<number>;
    const refused = refusal ?? checkRequestLimits(raw, vserver) ?? (badHost ? hostRefusal(hostHeader) : null);
    if (refused) {
      req.notes.set("error-notes", refused.reason);
      result = refused.status;
    } else if (badUri) {
      req.notes.set("error-notes", badUri.message);
      result = badUri.status || HTTP_BAD_REQUEST;
    } else {
      try {
        result = runPipeline(req, false);
      } catch (e) {
        result = this.pipelineError(req, e);
      }
    }
    // One promise for both outcomes: `run`'s catch and a then would make two.
    if (typeof result === "object") return result.then((r) => this.respond(req, output, r), (e: unknown) => this.pipelineError(req, e).then((r) => this.respond(req, output, r)));
    return this.respond(req, output, result);
  }

  /**
   * The access-log line of a request Node's parser refused before there was a request to run
   * (a malformed head, headers too large or too slow): the client's address, the status, the
   * bytes sent and the request line when it is known.
   */
  logRefused(socket: Socket, status: number, requestLine: string, bytesSent: number): void {
    const addresses = socketAddresses(socket);
    const vserver = this.matcher.match(undefined, addresses.localPort, addresses.localIp);
    if (!this.accessLogs.logs(vserver)) return;
    const entry = this.servers.get(vserver)!;
    const raw = new IncomingMessage(socket);
    const res = new ServerResponse(raw);
    res.shouldKeepAlive = false;
    const output = new Output(res);
    output.bytesSent = bytesSent;
    const init = {
      raw,
      state: this.newState(entry, vserver, output, raw, null),
      server: entry.info,
      connection: new Connection(raw, res, this.mainInfo, addresses),
      method: "",
      uri: "",
      unparsedUri: "",
      args: null,
      hostname: vserver.serverName,
      port: addresses.localPort,
      isHttps: false,
      prev: null,
    };
    const req = new RefusedRequest(init, requestLine);
    req.status = status;
    this.accessLogs.log(req, req);
  }

  /** Ends the response to a result, without a promise when it ends at once and nothing follows it. */
  private respond(req: Request, output: Output, result: number): Promise<void> | void {
    if (result !== OK && result !== DONE) return this.complete(req, output, result);
    let ending: Promise<void> | undefined;
    try {
      ending = output.end();
    } catch (e) {
      ending = Promise.reject(e);
    }
    if (ending || this.hasWorkAfterResponse(req)) return this.complete(req, output, result, ending);
    limitUnreadBody(req, output.raw);
  }

  /**
   * Completes a request whose result came late, is an error, or whose response ends late or
   * has work after it: the error page, the end of the response, then the log and cleanup phases.
   */
  private async complete(req: Request, output: Output, result: number, ending?: Promise<void>): Promise<void> {
    if (result !== OK && result !== DONE) await this.sendError(req, result);
    try {
      // Ending twice is harmless: a response that ended already answers undefined.
      const end = ending ?? output.end();
      if (end) await end;
    } catch (e) {
      if (!isLoggedOutputFailure(e) || output.headersSent) {
        this.errorLog.log(`completing the response failed: ${(e as Error).message}`, APLOG_INFO);
      } else {
        // An output filter failed, or Node refused the head, before the first byte (it is
        // logged): an error page instead.
        await this.sendError(lastOf(req), HTTP_INTERNAL_SERVER_ERROR);
        try {
          await output.end();
        } catch (err) {
          this.errorLog.log(`completing the response failed: ${(err as Error).message}`, APLOG_INFO);
        }
      }
    }
    limitUnreadBody(req, output.raw);
    if (this.hasWorkAfterResponse(req)) {
      await output.whenFinished();
      await this.afterResponse(req);
    }
  }

  /** Most requests have nothing to do once answered; they do not wait for the socket. */
  private hasWorkAfterResponse(req: Request): boolean {
    const last = lastOf(req);
    return req._state.cleanups.length > 0 || this.accessLogs.logs(req.server.config) || (last._state.added?.size ?? 0) > 0 || hasLateHandlers(last._state.dir);
  }

  /** `req.internalRedirect`: the new request shares the response; its errors are answered here. */
  async internalRedirect(req: Request, uri: string, errorStatus?: number): Promise<void> {
    let depth = 0;
    for (let r: Request | null = req; r; r = r.prev) depth++;
    if (depth > MAX_REDIRECTS) throw new TsmodError(ErrorCode.REDIRECT_LOOP, `more than ${MAX_REDIRECTS} internal redirects (last to ${uri})`);
    const parsed = parseRequestUri(uri);
    const entry = this.servers.get(req.server.config)!;
    const state = req._state;
    const next = new Request({
      raw: req.raw,
      state: { ...this.newState(entry, req.server.config, state.output, state.stream, state.body), cleanups: state.cleanups },
      server: req.server,
      connection: req.connection,
      method: errorStatus ? "GET" : req.method,
      uri: parsed.uri,
      unparsedUri: uri,
      args: parsed.args,
      hostname: req.hostname,
      port: req.port,
      isHttps: req.isHttps(),
      prev: req,
    });
    for (const [k, v] of req.errHeadersOut) next.errHeadersOut.add(k, v);
    if (errorStatus) {
      next.status = errorStatus;
      next.notes.set(ERROR_DOCUMENT_NOTE, "1");
      next.subprocessEnv.set("REDIRECT_STATUS", String(errorStatus));
      next.subprocessEnv.set("REDIRECT_URL", req.uri);
    }
    req.next = next;
    state.output.head = next;
    const result = await this.run(next, true);
    if (result !== OK && result !== DONE) await this.sendError(next, result);
  }

  private newState(entry: ServerEntry, vserver: VirtualServer, output: Output, stream: IncomingMessage, body: RequestState["body"]): RequestState {
    return {
      runtime: this,
      output,
      lookup: entry.lookup,
      dir: vserver.dir,
      body,
      stream,
      added: null,
      running: null,
      cleanups: [],
      form: null,
      cookies: null,
      finfo: null,
    };
  }

  /** The pipeline's result; what it throws or rejects with becomes a result too. */
  private run(req: Request, isRedirect: boolean): number | Promise<number> {
    let result: number | Promise<number>;
    try {
      result = runPipeline(req, isRedirect);
    } catch (e) {
      return this.pipelineError(req, e);
    }
    return typeof result === "object" ? result.catch((e: unknown) => this.pipelineError(req, e)) : result;
  }

  private pipelineError(req: Request, e: unknown): Promise<number> {
    return reportError(req, `request ${req.uri}`, e);
  }

  /** Sends the error response for `status`: an `ErrorDocument` if one is set, else the built-in page. */
  private async sendError(req: Request, status: number): Promise<void> {
    const output = req._state.output;
    if (output.headersSent || output.finished) {
      if (status >= 500) this.errorLog.log(`${req.uri}: status ${status} after the response had started; closing it`, APLOG_INFO);
      return;
    }
    output.discard();
    prepareErrorHeaders(req, status);
    // After a broken or refused body the connection's remaining bytes are unusable.
    if (status === 400 || status === 408 || status === 413) req.errHeadersOut.set("Connection", "close");
    output.head = req;
    if (status === 304 || status === 204) return;
    const doc = req._state.dir.errorDocuments.get(status);
    if (doc && status >= 400 && !req.notes.has(ERROR_DOCUMENT_NOTE)) {
      if (doc.startsWith("/")) {
        try {
          await this.internalRedirect(req, doc, status);
          return;
        } catch (e) {
          this.errorLog.log(`ErrorDocument ${status} ${doc}: ${(e as Error).message}`, APLOG_ERR);
          output.discard();
          output.head = req;
        }
      } else if (/^https?:\/\//i.test(doc)) {
        req.status = HTTP_MOVED_TEMPORARILY;
        req.errHeadersOut.set("Location", doc);
        status = HTTP_MOVED_TEMPORARILY;
      } else {
        req.contentType = "text/html; charset=utf-8";
        await req.write(doc).catch(() => undefined);
        return;
      }
    }
    req.contentType = "text/html; charset=utf-8";
    await req.write(defaultErrorPage(req, status)).catch(() => undefined);
  }

  /** The log phase, then cleanups: `registerCleanup` callbacks, then `TsCleanupHandler`. */
  private async afterResponse(req: Request): Promise<void> {
    const last = lastOf(req);
    try {
      await runPhase(last, PHASES.log, handlersFor(last, PHASES.log.directive));
    } catch (e) {
      this.errorLog.log(`TsLogHandler: ${(e as Error).stack ?? e}`, APLOG_ERR);
    }
    this.accessLogs.log(req, last);
    for (const fn of req._state.cleanups) {
      try {
        await fn();
      } catch (e) {
        this.errorLog.log(`cleanup ${fn.name || "callback"}: ${(e as Error).stack ?? e}`, APLOG_ERR);
      }
    }
    try {
      await runPhase(last, PHASES.cleanup, handlersFor(last, PHASES.cleanup.directive));
    } catch (e) {
      this.errorLog.log(`TsCleanupHandler: ${(e as Error).stack ?? e}`, APLOG_ERR);
    }
  }

  async close(): Promise<void> {
    this.interpreters.close();
    this.watcher.close();
    await this.extensions.close?.();
    await this.accessLogs.close();
    await this.errorLog.close();
  }
}

function isLoggedOutputFailure(e: unknown): boolean {
  return e instanceof TsmodError && (e.code === ErrorCode.FILTER_FAILED || e.code === ErrorCode.RESPONSE_HEAD_INVALID);
}

/**
 * `req.connection`. A class rather than an object literal with a getter: the literal form made
 * every request measurably slower (V8 treats accessor literals as slow-mode objects).
 */
class Connection implements ConnectionInfo {
  readonly remoteIp: string;
  readonly remotePort: number;
  readonly localIp: string;
  readonly localPort: number;

  constructor(
    private readonly raw: IncomingMessage,
    private readonly res: ServerResponse,
    readonly baseServer: ServerInfo,
    addresses: SocketAddresses,
  ) {
    this.remoteIp = addresses.remoteIp;
    this.remotePort = addresses.remotePort;
    this.localIp = addresses.localIp;
    this.localPort = addresses.localPort;
  }

  get aborted(): boolean {
    return this.raw.destroyed && !this.res.writableFinished;
  }
}

/** Whether a merged config names log or cleanup handlers (any `| .ext` list too). */
const hasLateHandlers = perDirConfig((dir) =>
  [...dir.handlers.keys()].some((k) => k.startsWith(PHASES.log.directive) || k.startsWith(PHASES.cleanup.directive)),
);

function lastOf(req: Request): Request {
  let r = req;
  while (r.next) r = r.next;
  return r;
}

/** A 400 for a missing Host header (HTTP/1.1), more than one (`null`) or a malformed one. */
function hostRefusal(hostHeader: string | null | undefined): Refusal {
  if (hostHeader === undefined) return { status: HTTP_BAD_REQUEST, reason: "An HTTP/1.1 request must have a Host header." };
  if (hostHeader === null) return { status: HTTP_BAD_REQUEST, reason: "The request has more than one Host header." };
  const shown = hostHeader.length > 100 ? `${hostHeader.slice(0, 100)}...` : hostHeader;
  return { status: HTTP_BAD_REQUEST, reason: `The Host header '${shown}' is not a valid host name with an optional port.` };
}
