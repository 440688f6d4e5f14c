import { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { AP_CONN_CLOSE, AP_CONN_KEEPALIVE, APLOG_DEBUG, APLOG_ERR, APLOG_INFO, DECLINED, DONE, HTTP_BAD_REQUEST, HTTP_INTERNAL_SERVER_ERROR, HTTP_MOVED_TEMPORARILY, OK } from "../constants";
import type { CoreServer } from "../core";
import { ErrorCode, TsmodError } from "../errors";
import { FileWatcher, findHandlerModule, Interpreters, missingExportMessage, type ModuleRegistry } from "../loader";
import { ErrorLog, errorText, retireProcessLog, useProcessLog, type LogSink } from "../log";
import { ServerCleanups, useServerCleanups } from "../server-cleanups";
import type { ConnectionContext, ConnectionHookSpec, Plan, RefusedRequestLog, ServerPlans, SiteConfig } from "../module";
import { hasLateHooks, reportError, runAccessChecks, runHooks, runRequest } from "../phases";
import type { Table } from "../table";
import { connectionState, Output, RawConnection, Request, ServerInfo, type ConnectionState, singleRawHeader, type AccessLookup, type AccessTarget, type ConnectionInfo, type RequestRuntime, type RequestServices, type RequestState } from "../request";
import { defaultErrorPage, prepareErrorHeaders } from "./error-response";
import { parseHost } from "./host-header";
import { defaultServices } from "./default-services";
import type { Refusal } from "./refusal";
import { RefusedRequest } from "./refused-request";
import { checkRequestLimits } from "./request-limits";
import { parseRequestUri, type ParsedUri } from "./request-uri";
import { type SocketAddresses, socketAddresses } from "./socket-addresses";
import { retireSiteConfig, useSiteConfig } from "./process-api";
import { SubResponse } from "./sub-request";
import { limitUnreadBody } from "./unread-body";
import { VhostMatcher } from "./vhost-match";
import { forwardedClient } from "./remote-ip";

export interface SiteOptions {
  /** Overrides `ErrorLog` (tests collect lines with a function). */
  readonly errorLog?: LogSink;
}

/** Marks a request that serves an `ErrorDocument`, so an error there gets the plain page. */
const ERROR_DOCUMENT_NOTE = "tsmod.error-document";
const MAX_REDIRECTS = 10;

interface ServerEntry {
  readonly info: ServerInfo;
  readonly plans: ServerPlans;
  /** The modules' connection hooks configured for this server, in module order. */
  readonly connectionHooks: readonly BoundConnectionHook[];
}

interface BoundConnectionHook {
  readonly module: string;
  readonly run: ConnectionHookSpec<unknown>["run"];
  readonly config: unknown;
}

/**
 * One loaded configuration, ready to answer requests: virtual hosts and their plans, the
 * started modules, the interpreters' module registries and the error log. A SIGHUP builds a
 * new Site and swaps it in; requests already running finish on the old one.
 */
export class Site implements RequestRuntime {
  readonly errorLog: ErrorLog;
  readonly interpreters: Interpreters;
  /** File watches of every interpreter (TsAutoReload); closed with the Site. */
  readonly watcher = new FileWatcher();
  readonly services: RequestServices;
  readonly mainInfo: ServerInfo;
  /** `registerCleanup` callbacks, run when this configuration retires. */
  private readonly cleanups = new ServerCleanups();
  private readonly matcher: VhostMatcher;
  private readonly servers = new Map<CoreServer, ServerEntry>();
  /** Whether any server has a connection hook: without one, connections go to HTTP untouched. */
  readonly takesConnections: boolean = false;

  constructor(
    readonly config: SiteConfig,
    options: SiteOptions,
  ) {
    const main = config.mainServer.core;
    this.errorLog = new ErrorLog(options.errorLog ?? main.errorLog, main.logLevel);
    this.interpreters = new Interpreters({
      builtins: config.modules.builtins(),
      watcher: this.watcher,
      log: (message, level) => this.errorLog.log(message, level),
    });
    this.services = { ...defaultServices, ...config.modules.services };
    for (const plans of [config.mainServer, ...config.virtualServers]) {
      const top = plans.plans.top;
      const connectionHooks = config.modules.list.flatMap((m) => {
        const hook = m.connection as ConnectionHookSpec<unknown> | undefined;
        const cfg = top.config(m);
        return hook && hook.when(cfg) ? [{ module: m.name, run: hook.run, config: cfg }] : [];
      });
      this.takesConnections ||= connectionHooks.length > 0;
      this.servers.set(plans.core, { info: new ServerInfo(plans.core, this.errorLog, this.cleanups), plans, connectionHooks });
    }
    this.mainInfo = this.servers.get(main)!.info;
    this.matcher = new VhostMatcher(main, config.virtualServers.map((v) => v.core));
  }

  /** Starts the modules, then loads the `TsImport` modules; a failure closes what started. */
  async start(): Promise<void> {
    const { config } = this;
    const modules = config.modules;
    useProcessLog(this.errorLog);
    useServerCleanups(this.cleanups);
    useSiteConfig(config);
    await modules.start({ config: config.parsed, main: config.main, servers: [...this.servers.keys()], errorLog: this.errorLog, providers: (kind) => modules.providers(kind) });
    await this.runImports();
  }

  beforeHeaders(req: Request): void {
    for (const b of (req._state.plan as Plan).beforeHeaders) b.run(req, b.config);
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
  private async runImports(): Promise<void> {
    const main = this.config.mainServer;
    const top = main.plans.top.core;
    const serverRoot = this.config.parsed.serverRoot;
    for (const imp of this.config.main.imports) {
      const dirs = [...(top.tsPath ?? []), serverRoot, main.core.documentRoot];
      const report = (e: unknown) => this.errorLog.log(`${imp.file}:${imp.line}: TsImport ${imp.module}: ${this.errorText(e)}`, APLOG_ERR);
      const call = (exports: Record<string, unknown>): unknown => {
        if (!imp.func) return undefined;
        const fn = exports[imp.func];
        if (typeof fn !== "function") throw new TsmodError(ErrorCode.HANDLER_NOT_FOUND, missingExportMessage(imp.module, imp.func, exports));
        return (fn as () => unknown)();
      };
      try {
        const file = findHandlerModule(imp.module, dirs, serverRoot);
        if (!file) throw new TsmodError(ErrorCode.MODULE_NOT_FOUND, `module '${imp.module}' not found (looked in ${dirs.join(", ")})`);
        await this.registry(imp.interpreter ?? main.core.serverName).preload(file, { autoReload: top.autoReload }, call, report);
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
    // would hide a second Host header. HTTP/2 names the host in `:authority`.
    const hostHeader = raw.httpVersionMajor === 2 ? ((raw as Http2Authority).authority ?? singleRawHeader(raw.rawHeaders, "host")) : singleRawHeader(raw.rawHeaders, "host");
    let host = typeof hostHeader === "string" ? parseHost(hostHeader) : null;
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
    let client = addresses;
    let https = isEncrypted(raw.socket);
    const forwarded = vserver.remoteIpHeader === null ? null : forwardedClient(vserver, addresses.remoteIp, raw.rawHeaders);
    if (forwarded) {
      if (forwarded.ip !== addresses.remoteIp) client = { ...addresses, remoteIp: forwarded.ip, remotePort: 0 };
      if (forwarded.proto === "https" || forwarded.proto === "http") https = forwarded.proto === "https";
      const fwdHost = forwarded.host === undefined ? null : parseHost(forwarded.host);
      if (fwdHost?.name) host = fwdHost;
    }
    // A Host without a port: the port the connection came to (Apache's), except behind a
    // trusted proxy, where that is the backend's and the client used the scheme's default.
    const port = host && host.port >= 0 ? host.port : forwarded ? (https ? 443 : 80) : addresses.localPort;
    const hostname = host?.name || vserver.serverName;
    const canonical = vserver.useCanonicalName;
    const connection = new Connection(raw, res, this.mainInfo, client, this.errorLog);
    const req = new Request({
      raw,
      state: this.newState(entry, output, raw, null),
      server: entry.info,
      connection,
      method: raw.method ?? "GET",
      uri: parsed.uri,
      unparsedUri: raw.url ?? "/",
      args: parsed.args,
      hostname,
      port,
      isHttps: https,
      selfName: canonical === "off" ? hostname : canonical === "on" ? vserver.serverName : addresses.localIp,
      selfPort: canonical === "off" ? port : forwarded ? (https ? 443 : 80) : addresses.localPort,
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
        result = runRequest(req, entry.plans, false);
      } catch (e) {
        result = this.pipelineError(req, e);
      }
    }
    // One promise for both outcomes: `run`'s catch and a then would make two.
    if (typeof result === "object") return result.then((r) => this.respond(req, output, r), (e: unknown) => this.pipelineError(req, e).then((r) => this.respond(req, output, r)));
    return this.respond(req, output, result);
  }

  /**
   * Offers a new connection to the connection hooks of the server its address belongs to
   * (Apache's process_connection). False when that server has none: the caller serves HTTP.
   * Otherwise the hooks run in turn; when every one DECLINES, `asHttp` gets the connection
   * and the bytes the hooks read from it.
   * A hook that fails is logged and costs that connection only.
   */
  serveConnection(socket: Socket, asHttp: (unread: Buffer) => void): boolean {
    const addresses = socketAddresses(socket);
    const entry = this.servers.get(this.matcher.match(undefined, addresses.localPort, addresses.localIp))!;
    if (entry.connectionHooks.length === 0) return false;
    const top = entry.plans.plans.top;
    const ctx: ConnectionContext = { server: entry.info, core: top.core, errorLog: this.errorLog, registry: (name) => this.registry(name) };
    const conn = new RawConnection(socket, entry.info, this.errorLog);
    const run = async (): Promise<void> => {
      for (const hook of entry.connectionHooks) {
        try {
          if ((await hook.run(conn, hook.config, ctx)) !== DECLINED) {
            await conn.close();
            return;
          }
        } catch (e) {
          conn.logError(`connection handler (${hook.module}): ${(e as Error).stack ?? e}`);
          socket.destroy();
          return;
        }
      }
      asHttp(conn.release());
    };
    void run();
    return true;
  }

  /**
   * The access-log line of a request Node's parser refused before there was a request to run
   * (a malformed head, headers too large or too slow): the client's address, the status, the
   * bytes sent and the request line when it is known.
   */
  logRefused(socket: Socket, status: number, requestLine: string, bytesSent: number): void {
    const addresses = socketAddresses(socket);
    const vserver = this.matcher.match(undefined, addresses.localPort, addresses.localIp);
    const loggers = this.config.modules.providers<RefusedRequestLog>("refusedRequestLog");
    if (loggers.size === 0) return;
    const entry = this.servers.get(vserver)!;
    const raw = new IncomingMessage(socket);
    const res = new ServerResponse(raw);
    res.shouldKeepAlive = false;
    const output = new Output(res);
    output.bytesSent = bytesSent;
    const init = {
      raw,
      state: this.newState(entry, output, raw, null),
      server: entry.info,
      connection: new Connection(raw, res, this.mainInfo, addresses, this.errorLog),
      method: "",
      uri: "",
      unparsedUri: "",
      args: null,
      hostname: vserver.serverName,
      port: addresses.localPort,
      isHttps: isEncrypted(socket),
      prev: null,
    };
    const req = new RefusedRequest(init, requestLine);
    req.status = status;
    for (const logger of loggers.values()) logger.log(req);
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
    return req._state.cleanups.length > 0 || hasLateHooks(last);
  }

  /** `req.internalRedirect`: the new request shares the response; its errors are answered here. */
  async internalRedirect(req: Request, uri: string, errorStatus?: number): Promise<void> {
    let depth = 0;
    for (let r: Request | null = req; r; r = r.prev) depth++;
    if (depth > MAX_REDIRECTS) throw new TsmodError(ErrorCode.REDIRECT_LOOP, `more than ${MAX_REDIRECTS} internal redirects (last to ${uri})`);
    const entry = this.servers.get(req.server.config)!;
    const state = req._state;
    const next = this.followOn(req, uri, {
      state: { ...this.newState(entry, state.output, state.stream, state.body), cleanups: state.cleanups },
      method: errorStatus ? "GET" : req.method,
      prev: req,
      mainRequest: null,
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

  async lookupAccess(req: Request, target: AccessTarget): Promise<AccessLookup> {
    const host = target.hostname === undefined ? null : parseHost(target.hostname);
    const vserver = host ? this.matcher.match(target.hostname, req.connection.localPort, req.connection.localIp) : req.server.config;
    const entry = this.servers.get(vserver)!;
    const parsed = parseRequestUri(target.uri);
    const state = req._state;
    const sub = new Request({
      raw: req.raw,
      // Its own output: nothing a check writes may reach the main request's client.
      state: this.newState(entry, new Output(state.output.raw), state.stream, state.body),
      server: entry.info,
      connection: req.connection,
      method: target.method ?? req.method,
      uri: parsed.uri,
      unparsedUri: target.uri,
      args: parsed.args,
      hostname: host?.name || vserver.serverName,
      port: host && host.port >= 0 ? host.port : req.port,
      isHttps: req.isHttps(),
      prev: null,
      mainRequest: req,
    });
    let status: number;
    try {
      status = await runAccessChecks(sub, entry.plans);
    } catch (e) {
      status = await this.pipelineError(sub, e);
    }
    return { status: status === DECLINED ? OK : status, request: sub };
  }

  /**
   * A sub-request for `uri` on the request's server (Apache's ap_sub_req_lookup_uri + run, as
   * mod_include's `include virtual` makes one): a GET with the request's headers through every
   * phase, access and auth included, its body streamed to `write`. Answers the sub-request's
   * status; an error status sends nothing (the caller reports it its own way).
   */
  async subRequest(req: Request, uri: string, write: (body: Buffer) => Promise<void>): Promise<number> {
    const entry = this.servers.get(req.server.config)!;
    const sub = new SubResponse(write);
    const output = new Output(sub.res);
    const next = this.followOn(req, uri, { state: this.newState(entry, output, req._state.stream, null), method: "GET", prev: null, mainRequest: req });
    output.head = next;
    const result = await this.run(next, false);
    if (result !== OK && result !== DONE) {
      sub.res.destroy();
      return result;
    }
    const end = output.end();
    if (end) await end;
    await sub.done;
    if (this.hasWorkAfterResponse(next)) await this.afterResponse(next);
    return next.status;
  }

  /**
   * A request for `uri` on `req`'s server and connection (an internal redirect, a sub-request):
   * the client's host, port and scheme carry over; `init` says what is its own.
   */
  private followOn(req: Request, uri: string, init: { state: RequestState; method: string; prev: Request | null; mainRequest: Request | null }): Request {
    const parsed = parseRequestUri(uri);
    return new Request({
      raw: req.raw,
      state: init.state,
      server: req.server,
      connection: req.connection,
      method: init.method,
      uri: parsed.uri,
      unparsedUri: uri,
      args: parsed.args,
      hostname: req.hostname,
      port: req.port,
      isHttps: req.isHttps(),
      selfName: req.selfName,
      selfPort: req.selfPort,
      prev: init.prev,
      mainRequest: init.mainRequest,
    });
  }

  private newState(entry: ServerEntry, output: Output, stream: IncomingMessage, body: RequestState["body"]): RequestState {
    return {
      runtime: this,
      output,
      plan: entry.plans.plans.top,
      body,
      stream,
      added: null,
      running: null,
      cleanups: [],
      form: null,
      cookies: null,
      mappedRoot: null,
      fallbackHandler: null,
      finfo: null,
      modules: null,
    };
  }

  /** The pipeline's result; what it throws or rejects with becomes a result too. */
  private run(req: Request, isRedirect: boolean): number | Promise<number> {
    let result: number | Promise<number>;
    try {
      result = runRequest(req, this.servers.get(req.server.config)!.plans, isRedirect);
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
    const doc = req._state.plan.core.errorDocuments.get(status);
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

  /** The log phase (handlers' log hooks, then the access log), then `registerCleanup` callbacks, then the cleanup phase. */
  private async afterResponse(req: Request): Promise<void> {
    const last = lastOf(req);
    await this.latePhase(last, "log");
    for (const fn of req._state.cleanups) {
      try {
        await fn();
      } catch (e) {
        this.errorLog.log(`cleanup ${fn.name || "callback"}: ${this.errorText(e)}`, APLOG_ERR);
      }
    }
    await this.latePhase(last, "cleanup");
  }

  /** A thrown value as the log shows it: the site's frames only, below LogLevel debug. */
  private errorText(e: unknown): string {
    return errorText(e, this.errorLog.enabled(APLOG_DEBUG));
  }

  /** A phase after the response: nobody is left to answer, so a failure is logged. */
  private async latePhase(req: Request, phase: "log" | "cleanup"): Promise<void> {
    try {
      await runHooks(req, phase);
    } catch (e) {
      this.errorLog.log(`${phase} phase: ${this.errorText(e)}`, APLOG_ERR);
    }
  }

  /** Retires the configuration: server cleanups first (their code may still use what the modules hold), then modules and logs. */
  async close(): Promise<void> {
    await this.cleanups.run((e) => this.errorLog.log(`server cleanup: ${(e as Error | null)?.stack ?? e}`, APLOG_ERR));
    this.interpreters.close();
    this.watcher.close();
    for (const failure of await this.config.modules.stop()) this.errorLog.log(failure.message, APLOG_ERR);
    retireProcessLog(this.errorLog);
    retireSiteConfig(this.config);
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
  readonly remoteHost = null;
  readonly localHost = null;
  readonly keepalives: number;
  private readonly state: ConnectionState;

  constructor(
    private readonly raw: IncomingMessage,
    private readonly res: ServerResponse,
    readonly baseServer: ServerInfo,
    addresses: SocketAddresses,
    private readonly errorLog: ErrorLog,
  ) {
    this.remoteIp = addresses.remoteIp;
    this.remotePort = addresses.remotePort;
    this.localIp = addresses.localIp;
    this.localPort = addresses.localPort;
    this.state = connectionState(raw.socket);
    this.keepalives = this.state.requests++;
  }

  get aborted(): boolean {
    // A reset HTTP/2 stream reads as finished: its request says it was aborted instead.
    if (this.raw.httpVersionMajor === 2) return (this.raw as IncomingMessage & { aborted: boolean }).aborted;
    return this.raw.destroyed && !this.res.writableFinished;
  }

  get id(): number {
    return this.state.id;
  }

  get notes(): Table {
    return this.state.notes;
  }

  get keepalive(): number {
    return this.res.shouldKeepAlive ? AP_CONN_KEEPALIVE : AP_CONN_CLOSE;
  }

  logError(message: string, level: number = APLOG_ERR): void {
    this.errorLog.log(message, level || APLOG_ERR, `${this.remoteIp}:${this.remotePort}`);
  }
}

/** Node's HTTP/2 request names the host it was sent to here. */
interface Http2Authority {
  readonly authority?: string;
}

/** Whether the connection speaks TLS (an HTTP/2 stream's socket forwards this to the TLS socket). */
function isEncrypted(socket: Socket): boolean {
  return (socket as Socket & { encrypted?: boolean }).encrypted === true;
}

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
