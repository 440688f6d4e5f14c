import * as http from "node:http";
import type * as Http2 from "node:http2";
import type * as Https from "node:https";
import * as net from "node:net";
import type * as tls from "node:tls";
import type { AddressInfo, Socket } from "node:net";
import { Duplex } from "node:stream";
import { APLOG_ERR, APLOG_INFO, APLOG_NOTICE, APLOG_WARNING, HTTP_BAD_REQUEST, HTTP_EXPECTATION_FAILED } from "../constants";
import { listenerPlans, type ListenAddress } from "../core";
import { loadSiteConfig, type ModuleSet, type SiteConfig } from "../module";
import { ConfigErrors, ErrorCode, TsmodError } from "../errors";
import { parserRefusal } from "./client-error";
import { HeaderReadTimeout } from "./header-read-timeout";
import { InFlight } from "./in-flight";
import { socketOwner, whenSocketFree } from "./socket-owner";
import type { Refusal } from "./refusal";
import { lazyModule } from "../lazy-module";
import { nodeParserLimits } from "./request-limits";
import { isHttp2 } from "../request";
import { Site, type SiteOptions } from "./site";
import { SniContexts } from "./sni-contexts";
import { describeStray, guardProcess, type StrayOrigin, type StraySource } from "./stray-errors";

export interface ServerOptions extends SiteOptions {
  /** The modules every configuration starts with (LoadModule lines add to them). */
  readonly modules: ModuleSet;
  readonly defines?: Iterable<string>;
  /**
   * The server owns the process (`tsmod serve`): stray errors, which Node would end the
   * process with, are logged and it serves on (see `guardProcess`).
   */
  readonly ownsProcess?: boolean;
}

/** How a stop treats the connections that are not running a request (see `TsmodServer.close`). */
export interface StopOptions {
  /** How long idle keep-alive connections stay open after the stop (default 0). */
  readonly idleLingerMs?: number;
  /**
   * 0 (default): the listeners close after the first turn of the event loop that accepted
   * nothing. Otherwise after this long without a new connection: a cluster worker gets its
   * connections from the primary, one per round trip over IPC, not one per turn.
   */
  readonly acceptQuietMs?: number;
}

/**
 * How long a stop run by `tsmod serve` leaves idle keep-alive connections open: a client may
 * be sending its next request on one at that very moment, and within the linger it is still
 * answered (with `Connection: close`) instead of meeting a closed connection.
 */
export const IDLE_LINGER_MS = 1000;

/**
 * The listeners' backlog (Node's default for `listen`): what a stop may find waiting, so the
 * most connections it goes on accepting for while they keep coming. Connections that arrive
 * faster than that are a steady stream, which must not hold the stop up.
 */
const LISTEN_BACKLOG = 511;

/** How often a stop with a quiet period looks for new connections. */
const ACCEPT_POLL_MS = 10;

/**
 * The running server: one Node HTTP server per `Listen` address, all answering through the
 * current Site. `reload()` swaps in a freshly loaded configuration; a bad one is reported and
 * the old one keeps serving.
 */
export class TsmodServer {
  private readonly listeners: Listener[] = [];
  private readonly sessions = new Set<Http2.ServerHttp2Session>();
  private readonly sockets = new Set<Socket>();
  /** Connections accepted so far: a stop sees from it whether the listeners' backlogs are empty. */
  private accepted = 0;
  private readonly inFlight = new InFlight<Site>();
  private closing: Promise<void> | null = null;
  private reloading: Promise<boolean> = Promise.resolve(true);
  /** The main server's `RequestReadTimeout header=...` at start (Node's parser applies it). */
  private readonly headerTimeout: HeaderReadTimeout;
  /** @internal the configuration now serving; swapped by `reload()`. */
  site: Site;

  private constructor(
    readonly configFile: string,
    private readonly options: ServerOptions,
    config: SiteConfig,
  ) {
    this.site = new Site(config, options);
    const main = config.mainServer.core;
    this.headerTimeout = new HeaderReadTimeout(main.headerReadTimeout, main.timeout);
  }

  /** Loads the configuration (throws `ConfigErrors`; `config` when the caller loaded it) and starts listening. */
  static async start(configFile: string, options: ServerOptions, config?: SiteConfig): Promise<TsmodServer> {
    const server = new TsmodServer(configFile, options, config ?? loadServerConfig(configFile, options));
    // Before the modules and imports start: their code may leave work behind that fails later.
    if (options.ownsProcess) guardProcess((err, origin, fatal) => server.logStrayError(err, origin, fatal), () => server.site.errorLog.close());
    await server.site.start();
    try {
      await server.listen();
    } catch (e) {
      await server.site.close();
      throw e;
    }
    return server;
  }

  /** `http://host:port` (or `https://`) for every address, with the ports actually bound. */
  urls(): string[] {
    return this.listeners.map(({ server, secure }) => {
      const a = server.address() as AddressInfo;
      const host = a.family === "IPv6" ? `[${a.address}]` : a.address;
      return `${secure ? "https" : "http"}://${host}:${a.port}`;
    });
  }

  private async listen(): Promise<void> {
    const cfg = this.site.config;
    const main = cfg.mainServer.core;
    const limits = nodeParserLimits([main, ...cfg.virtualServers.map((v) => v.core)]);
    const headersMs = this.headerTimeout.initialMs;
    const httpOptions: http.ServerOptions = {
      requestTimeout: 0,
      // Slowloris: headers not complete within the header stage of RequestReadTimeout are
      // cut off (see HeaderReadTimeout); checked often enough that a short one is honoured closely.
      headersTimeout: headersMs,
      connectionsCheckingInterval: Math.min(1000, Math.max(50, headersMs / 4)),
      keepAliveTimeout: main.keepAliveTimeout * 1000,
      maxHeaderSize: limits.maxHeaderSize,
      // A request without Host is refused by the Site, which logs it like any other.
      requireHostHeader: false,
    };
    const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => this.serve(req, res);
    // The load-time check reported any mismatch already.
    for (const plan of listenerPlans(cfg.main, [main, ...cfg.virtualServers.map((v) => v.core)], () => undefined)) {
      const port = plan.address.port;
      const sni = plan.secure ? new SniContexts(port, plan.address.host ?? "*", plan) : null;
      const tlsOptions: tls.TlsOptions = sni ? { ...sni.defaultOptions, SNICallback: sni.select } : {};
      let listener: net.Server;
      let h1: http.Server | null = null;
      if (plan.h2) {
        // HTTP/2 by ALPN, with HTTP/1.1 for clients that do not offer it.
        const h2 = http2().createSecureServer({ ...httpOptions, ...tlsOptions, allowHTTP1: true, settings: { enableConnectProtocol: false } }, onRequest as never);
        this.trackSessions(h2);
        listener = h2;
      } else {
        h1 = sni ? https().createServer({ ...httpOptions, ...tlsOptions }, onRequest) : http.createServer(httpOptions, onRequest);
        this.wireHttp1(h1, limits.maxHeadersCount);
        listener = h1;
        if (plan.h2c) listener = this.cleartextH2(h1, onRequest);
      }
      // Node's HTTP parser takes a connection in the server's own 'connection' listener; on a
      // plain HTTP/1.1 listener it runs only for connections no module's connection hook takes
      // (TsConnectionHandler). TLS and h2c listeners hand connections to HTTP as they are.
      const plain = !plan.secure && !plan.h2 && !plan.h2c ? h1 : null;
      const asHttp = plain ? (plain.listeners("connection") as Array<(s: Socket) => void>)[0] : null;
      plain?.removeAllListeners("connection");
      listener.on("connection", (s: Socket) => {
        this.sockets.add(s);
        this.accepted++;
        s.once("close", () => this.sockets.delete(s));
        if (!plain || !asHttp) return;
        const site = this.site;
        const declined = (unread: Buffer) =>
          this.guarded(s, () => {
            asHttp.call(plain, s);
            // The parser reads the socket's handle directly, past the stream's buffer: the
            // bytes a hook read reach it as the data event it listens to.
            if (unread.length) s.emit("data", unread);
          });
        if (!site.takesConnections || !site.serveConnection(s, declined)) asHttp.call(plain, s);
      });
      await new Promise<void>((resolve, reject) => {
        listener.once("error", (err: NodeJS.ErrnoException) => reject(listenError(plan.address, err)));
        listener.listen(port, plan.address.host, () => {
          listener.off("error", reject);
          resolve();
        });
      });
      // A failed accept (EMFILE, ENFILE: no descriptor for the connection) costs that client
      // only; unheard, the error would end the process.
      listener.on("error", (err: Error) => this.site.errorLog.log(`accepting a connection failed: ${err.message}`, APLOG_ERR));
      if (sni) listener.on("tlsClientError", (err: Error) => this.site.errorLog.log(`TLS handshake failed: ${err.message}`, APLOG_INFO));
      this.listeners.push({ server: listener, secure: plan.secure, sni, http1: h1 });
    }
  }

  /** The events of an HTTP/1.1 server beyond its requests: upgrades, expectations, parser errors. */
  private wireHttp1(srv: http.Server, maxHeadersCount: number): void {
    srv.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket as Socket, head));
    srv.on("checkExpectation", (req: http.IncomingMessage, res: http.ServerResponse) => this.serve(req, res, EXPECTATION_FAILED));
    srv.maxHeadersCount = maxHeadersCount;
    srv.on("clientError", (err: NodeJS.ErrnoException, socket: Socket) => this.guarded(socket, () => this.clientError(err, socket)));
  }

  /**
   * `Protocols h2c`: HTTP/2 with prior knowledge next to HTTP/1.1 on one cleartext port. The
   * first bytes tell them apart: HTTP/2 opens with its connection preface (`PRI * HTTP/2.0`).
   */
  private cleartextH2(h1: http.Server, onRequest: (req: http.IncomingMessage, res: http.ServerResponse) => void): net.Server {
    const h2 = http2().createServer({ settings: { enableConnectProtocol: false } }, onRequest as never);
    this.trackSessions(h2);
    return net.createServer((socket) => {
      socket.once("data", (first: Buffer) => {
        socket.pause();
        const preface = H2_PREFACE.subarray(0, Math.min(first.length, H2_PREFACE.length));
        if (first.subarray(0, preface.length).equals(preface)) {
          h2.emit("connection", replaying(socket, first));
        } else {
          socket.unshift(first);
          h1.emit("connection", socket);
          socket.resume();
        }
      });
    });
  }

  /** HTTP/2 sessions, which a graceful stop ends with GOAWAY: streams begun are answered, no new ones start. */
  private trackSessions(server: Http2.Http2Server | Http2.Http2SecureServer): void {
    server.on("session", (session: Http2.ServerHttp2Session) => {
      this.sessions.add(session);
      session.once("close", () => this.sessions.delete(session));
      if (this.closing) session.close();
    });
  }

  private serve(req: http.IncomingMessage, res: http.ServerResponse, refusal?: Refusal): void {
    this.headerTimeout.completed(req.socket);
    if (this.closing && !isHttp2(res)) res.setHeader("Connection", "close");
    const site = this.site;
    let work: Promise<void> | void;
    try {
      work = site.handle(req, res, refusal);
    } catch {
      // `handle` answers every request itself, errors included; reaching here is a fault in
      // tsmod, which must cost this connection only, never the server.
      res.destroy();
      return;
    }
    this.inFlight.track(site, res, work);
  }

  /**
   * A request with `Upgrade` (WebSocket): Node hands over the bare socket. It still runs
   * through every phase with a response object of its own, so access and auth handlers guard
   * it like any request; a `ProxyPass` backend may then take the connection over (see
   * `proxy/`). Any other answer goes out as a normal response that closes the connection.
   *
   * An upgrade pipelined behind requests still being answered cannot take the connection
   * over: those requests are answered first, then it gets a 400 and the connection closes.
   */
  private upgrade(req: http.IncomingMessage, socket: Socket, head: Buffer): void {
    this.headerTimeout.completed(socket);
    this.guarded(socket, () => {
      socket.on("error", () => socket.destroy());
      const res = new http.ServerResponse(req);
      res.shouldKeepAlive = false;
      res.once("finish", () => socket.end());
      if (!socketOwner(socket)) {
        if (head.length) socket.unshift(head);
        res.assignSocket(socket);
        this.serve(req, res);
        return;
      }
      whenSocketFree(socket, () =>
        this.guarded(socket, () => {
          res.assignSocket(socket);
          this.serve(req, res, PIPELINED_UPGRADE);
        }),
      );
    });
  }

  /**
   * A request Node's parser refused (malformed, too large, headers too slow): it gets its error
   * status once the responses before it on the connection are out, the connection closes, and
   * it is logged like any request. Headers that are merely slow may first get the extra time
   * they earned (RequestReadTimeout's MinRate). A broken body of a request being answered fails
   * that request instead, which is answered and logged as it ends.
   */
  private clientError(err: NodeJS.ErrnoException, socket: Socket): void {
    const refuse = () => this.guarded(socket, () => this.refuseConnection(err, socket));
    if (err.code === "ERR_HTTP_REQUEST_TIMEOUT" && this.headerTimeout.extend(socket, refuse)) return;
    const owner = socketOwner(socket);
    if (owner && !owner.req.complete) {
      if (socket.writable && !owner.headersSent) socket.end(parserRefusal(err, socket, this.site.config.mainServer.core.limitRequestLine).response);
      else socket.destroy();
      return;
    }
    whenSocketFree(socket, refuse);
  }

  private refuseConnection(err: NodeJS.ErrnoException, socket: Socket): void {
    const site = this.site;
    const refusal = parserRefusal(err, socket, site.config.mainServer.core.limitRequestLine);
    let sent = 0;
    if (socket.writable) {
      socket.end(refusal.response);
      sent = refusal.response.length;
    } else socket.destroy();
    site.logRefused(socket, refusal.status, refusal.requestLine, sent);
  }

  /** Runs `fn` for an event of `socket`; a fault there costs that connection only, never the server. */
  private guarded(socket: Socket, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.site.errorLog.log(`connection dropped after an internal error: ${(e as Error).stack ?? e}`, APLOG_ERR);
      socket.destroy();
    }
  }

  /** Logs a stray error with the handler code and the requests it came from (see `describeStray`). */
  private logStrayError(err: unknown, origin: StrayOrigin, fatal: boolean): void {
    const site = this.site;
    const source: StraySource = {
      isLoadedModule: (file) => site.isLoadedModule(file),
      serverRoot: site.config.parsed.serverRoot,
      requestsInFlight: () => this.inFlight.requests(),
    };
    const report = describeStray(err, origin, fatal, source);
    site.errorLog.log(report.message, report.level, report.client);
  }

  /**
   * Re-reads the configuration, like `apachectl graceful`: requests already running finish
   * on the old Site, the next ones get the new one. A configuration with errors is reported
   * (every `FILE:LINE` in the error log) and the running one keeps serving. Listen addresses
   * and `Workers` stay as they are (changing them needs a restart). Reloads run one at a time.
   */
  reload(): Promise<boolean> {
    this.reloading = this.reloading.then(() => this.reloadNow());
    return this.reloading;
  }

  private async reloadNow(): Promise<boolean> {
    if (this.closing) return false;
    const current = this.site;
    let next: Site;
    try {
      const config = loadServerConfig(this.configFile, this.options);
      next = new Site(config, this.options);
      if (!sameListen(config.main.listen, current.config.main.listen)) {
        next.errorLog.log("Listen changed: the new addresses take effect only after a restart", APLOG_WARNING);
      }
      await next.start();
    } catch (e) {
      const msg = e instanceof ConfigErrors ? e.message : ((e as Error).stack ?? String(e));
      current.errorLog.log(`configuration reload failed, keeping the running one:\n${msg}`, APLOG_ERR);
      return false;
    }
    this.site = next;
    this.renewCertificates(next);
    next.errorLog.log(`configuration reloaded from ${this.configFile}`, APLOG_NOTICE);
    void this.inFlight.idle(current).then(() => current.close());
    return true;
  }

  /**
   * The reloaded configuration's certificates (read again from their files) for new handshakes;
   * connections open keep theirs. A listener that changed its protocol needs a restart, as Listen does.
   */
  private renewCertificates(site: Site): void {
    const cfg = site.config;
    const plans = listenerPlans(cfg.main, [cfg.mainServer.core, ...cfg.virtualServers.map((v) => v.core)], () => undefined);
    this.listeners.forEach((l, i) => {
      const plan = plans[i];
      if (!l.sni || !plan?.secure) return;
      l.sni.update(plan);
      (l.server as tls.Server).setSecureContext(l.sni.defaultOptions);
    });
  }

  /**
   * A graceful stop: every request already sent is answered, and connections close only
   * between requests. The listeners stop accepting once their backlogs are empty; requests in
   * flight finish, those whose headers are not out yet and those that still arrive get
   * `Connection: close`. A connection accepted whose first request has not come yet is not
   * idle: it is given that request (within `Timeout`). Idle keep-alive connections are closed
   * after `idleLingerMs`, counted from the stop, or from the end of a response whose headers
   * had promised keep-alive before it. After `graceMs` (default `GracefulShutdownTimeout`;
   * Infinity: no limit) whatever is still open is cut.
   */
  close(graceMs = gracefulShutdownMs(this.site.config), { idleLingerMs = 0, acceptQuietMs = 0 }: StopOptions = {}): Promise<void> {
    this.closing ??= this.closeNow(graceMs, idleLingerMs, acceptQuietMs);
    return this.closing;
  }

  private async closeNow(graceMs: number, idleLingerMs: number, acceptQuietMs: number): Promise<void> {
    const started = Date.now();
    const deadline = started + graceMs;
    for (const res of this.inFlight.unsent()) if (!isHttp2(res)) res.setHeader("Connection", "close");
    for (const session of this.sessions) session.close();
    let lingerUntil = Math.min(started + idleLingerMs, deadline);
    const lingerAgain = () => {
      lingerUntil = Math.max(lingerUntil, Math.min(Date.now() + idleLingerMs, deadline));
    };
    for (const res of this.inFlight.started()) res.once("finish", lingerAgain);
    const closed = this.stopListening(acceptQuietMs);
    // Node's idle connections are those between requests: one accepted whose first request
    // has not come is not among them (Node answers it 408 after Timeout if it never comes).
    const sweepIdle = () => {
      if (Date.now() >= lingerUntil) for (const l of this.listeners) l.http1?.closeIdleConnections();
    };
    sweepIdle();
    const sweep = setInterval(sweepIdle, 25);
    const cut = Number.isFinite(graceMs)
      ? setTimeout(() => {
          for (const s of this.sockets) s.destroy();
        }, graceMs)
      : null;
    await closed;
    clearInterval(sweep);
    if (cut) clearTimeout(cut);
    await this.reloading;
    // Every connection is gone; a handler still awaiting something gets what is left of the grace.
    const left = deadline - Date.now();
    await (Number.isFinite(left) ? Promise.race([this.inFlight.idle(this.site), delay(Math.max(0, left))]) : this.inFlight.idle(this.site));
    // Now idle, http.Server#close only clears its connection-checking timer.
    for (const l of this.listeners) l.http1?.close();
    await this.site.close();
  }

  /**
   * Stops accepting once the listeners' backlogs are empty: a connection still in a backlog
   * when its listener closes is reset, its request unanswered. Node accepts one connection per
   * turn of the event loop, so a turn without one means the backlogs were empty when it polled
   * them; the listeners close right after it (or after `quietMs` without a new connection).
   * The connections accepted until then are answered with `Connection: close`.
   * (http.Server#close would also drop idle connections at once; net.Server#close only stops
   * accepting.) Resolves once every connection is gone.
   */
  private stopListening(quietMs: number): Promise<void> {
    return new Promise((resolve) => {
      const last = this.accepted + LISTEN_BACKLOG;
      // The turn the stop came in has polled already: the first look is one turn later.
      let seen = -1;
      let quietSince = 0;
      const closeWhenDrained = () => {
        const now = Date.now();
        if (this.accepted !== seen) {
          seen = this.accepted;
          quietSince = now;
        } else if (now - quietSince >= quietMs) return closeAll();
        if (this.accepted >= last) return closeAll();
        if (quietMs > 0) setTimeout(closeWhenDrained, ACCEPT_POLL_MS);
        else setImmediate(closeWhenDrained);
      };
      const closeAll = () => {
        const all = this.listeners.map((l) => new Promise<void>((done) => net.Server.prototype.close.call(l.server, () => done())));
        void Promise.all(all).then(() => resolve());
      };
      setImmediate(closeWhenDrained);
    });
  }
}

/** Loaded by the first TLS or HTTP/2 listener: a plain HTTP server never pays for them. */
const https = lazyModule<typeof Https>("node:https");
const http2 = lazyModule<typeof Http2>("node:http2");

/** One bound address: what listens, whether it speaks TLS, its certificates, its HTTP/1.1 server. */
interface Listener {
  readonly server: net.Server;
  readonly secure: boolean;
  readonly sni: SniContexts | null;
  /** The HTTP/1.1 server whose idle connections a stop closes; null for an HTTP/2 (ALPN) listener. */
  readonly http1: http.Server | null;
}

/**
 * The socket as a plain stream that begins with the bytes already read: HTTP/2 reads a socket's
 * handle directly, past anything put back with `unshift`, but reads a plain stream through its
 * events. The socket's addresses are carried over for the requests.
 */
function replaying(socket: Socket, first: Buffer): Duplex {
  const stream = new PassThroughSocket(socket);
  stream.push(first);
  socket.on("data", (chunk: Buffer) => {
    if (!stream.push(chunk)) socket.pause();
  });
  socket.once("end", () => stream.push(null));
  socket.once("error", (err) => stream.destroy(err));
  socket.once("close", () => stream.destroy());
  socket.resume();
  return stream;
}

class PassThroughSocket extends Duplex {
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  readonly localAddress: string | undefined;
  readonly localPort: number | undefined;

  constructor(private readonly socket: Socket) {
    super();
    this.remoteAddress = socket.remoteAddress;
    this.remotePort = socket.remotePort;
    this.localAddress = socket.localAddress;
    this.localPort = socket.localPort;
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    this.socket.write(chunk, encoding, done);
  }

  override _final(done: (err?: Error | null) => void): void {
    this.socket.end(done);
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    this.socket.destroy(err ?? undefined);
    done(err);
  }
}

const H2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

const EXPECTATION_FAILED: Refusal = { status: HTTP_EXPECTATION_FAILED, reason: "The server supports no expectation other than 100-continue." };

const PIPELINED_UPGRADE: Refusal = {
  status: HTTP_BAD_REQUEST,
  reason: "A request to switch protocols (Upgrade) must not be pipelined behind other requests on the same connection.",
};

/** A bind failure as one line: which address, and why in words. */
function listenError(address: ListenAddress, err: NodeJS.ErrnoException): TsmodError {
  const why = err.code === "EADDRINUSE" ? "the address is already in use" : err.code === "EACCES" ? "permission denied (a port below 1024 needs root)" : err.code === "EADDRNOTAVAIL" ? "no such local address" : err.message;
  return new TsmodError(ErrorCode.LISTEN_FAILED, `cannot listen on ${address.host ?? "*"}:${address.port}: ${why}`);
}

/** `GracefulShutdownTimeout` in milliseconds; 0 means no limit, as in Apache (times past a timer's range are refused at load). */
export function gracefulShutdownMs(config: SiteConfig): number {
  const ms = config.main.gracefulShutdownTimeout * 1000;
  return ms > 0 ? ms : Infinity;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function loadServerConfig(configFile: string, options: ServerOptions): SiteConfig {
  return loadSiteConfig(configFile, options.modules, { defines: options.defines });
}

function sameListen(a: readonly ListenAddress[], b: readonly ListenAddress[]): boolean {
  return a.length === b.length && a.every((x, i) => x.host === b[i].host && x.port === b[i].port);
}
