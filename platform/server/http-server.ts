import * as http from "node:http";
import * as net from "node:net";
import type { AddressInfo, Socket } from "node:net";
import type { Duplex } from "node:stream";
import { APLOG_ERR, APLOG_NOTICE, APLOG_WARNING } from "../constants";
import { loadConfig, type ListenAddress, type ServerConfig } from "../config";
import { ConfigErrors } from "../errors";
import { InFlight } from "./in-flight";
import { nodeParserLimits } from "./request-limits";
import { Site, type SiteOptions } from "./site";
import { holdTickShape } from "./tick-shape";

export interface ServerOptions extends Omit<SiteOptions, "builtins"> {
  readonly builtins: ReadonlyMap<string, unknown>;
  readonly defines?: Iterable<string>;
  /** How long SIGTERM waits for in-flight requests before closing their connections. */
  readonly shutdownGraceMs?: number;
}

/**
 * The running server: one Node HTTP server per `Listen` address, all answering through the
 * current Site. `reload()` swaps in a freshly loaded configuration; a bad one is reported and
 * the old one keeps serving.
 */
export class TsmodServer {
  private readonly httpServers: http.Server[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly inFlight = new InFlight<Site>();
  private closing: Promise<void> | null = null;
  private reloading: Promise<boolean> = Promise.resolve(true);
  site: Site;

  private constructor(
    readonly configFile: string,
    private readonly options: ServerOptions,
    config: ServerConfig,
  ) {
    this.site = new Site(config, options);
  }

  /** Loads the configuration (throws `ConfigErrors`; `config` when the caller loaded it) and starts listening. */
  static async start(configFile: string, options: ServerOptions, config?: ServerConfig): Promise<TsmodServer> {
    // Before anything compiles: see tick-shape.ts.
    holdTickShape();
    const server = new TsmodServer(configFile, options, config ?? loadServerConfig(configFile, options));
    await server.site.runImports();
    await server.listen();
    return server;
  }

  /** `http://host:port` for every address, with the ports actually bound. */
  urls(): string[] {
    return this.httpServers.map((s) => {
      const a = s.address() as AddressInfo;
      const host = a.family === "IPv6" ? `[${a.address}]` : a.address;
      return `http://${host}:${a.port}`;
    });
  }

  private async listen(): Promise<void> {
    const cfg = this.site.config;
    const main = cfg.main;
    const limits = nodeParserLimits([main, ...cfg.vhosts]);
    for (const addr of cfg.listen) {
      const srv = http.createServer(
        {
          requestTimeout: 0,
          // Slowloris: headers not complete within Timeout are cut off; checked often enough
          // that a short Timeout is honoured closely.
          headersTimeout: main.timeout * 1000,
          connectionsCheckingInterval: Math.min(1000, Math.max(50, main.timeout * 250)),
          keepAliveTimeout: main.keepAliveTimeout * 1000,
          maxHeaderSize: limits.maxHeaderSize,
        },
        (req, res) => this.serve(req, res),
      );
      srv.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket as Socket, head));
      srv.maxHeadersCount = limits.maxHeadersCount;
      srv.on("connection", (s: Socket) => {
        this.sockets.add(s);
        s.once("close", () => this.sockets.delete(s));
      });
      srv.on("clientError", (err: NodeJS.ErrnoException, socket: Socket) => {
        if (!socket.writable) return socket.destroy();
        const [status, reason] = clientErrorStatus(err, main.limitRequestLine);
        socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${reason.length + 1}\r\n\r\n${reason}\n`);
      });
      await new Promise<void>((resolve, reject) => {
        srv.once("error", reject);
        srv.listen(addr.port, addr.host, () => {
          srv.off("error", reject);
          resolve();
        });
      });
      // A failed accept (EMFILE, ENFILE: no descriptor for the connection) costs that client
      // only; unheard, the error would end the process.
      srv.on("error", (err: Error) => this.site.errorLog.log(`accepting a connection failed: ${err.message}`, APLOG_ERR));
      this.httpServers.push(srv);
    }
  }

  private serve(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (this.closing) res.setHeader("Connection", "close");
    const site = this.site;
    let work: Promise<void> | void;
    try {
      work = site.handle(req, res);
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
   */
  private upgrade(req: http.IncomingMessage, socket: Socket, head: Buffer): void {
    socket.on("error", () => socket.destroy());
    if (head.length) socket.unshift(head);
    const res = new http.ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket);
    res.once("finish", () => socket.end());
    this.serve(req, res);
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
      if (!sameListen(config.listen, current.config.listen)) {
        next.errorLog.log("Listen changed: the new addresses take effect only after a restart", APLOG_WARNING);
      }
      await next.runImports();
    } catch (e) {
      const msg = e instanceof ConfigErrors ? e.message : ((e as Error).stack ?? String(e));
      current.errorLog.log(`configuration reload failed, keeping the running one:\n${msg}`, APLOG_ERR);
      return false;
    }
    this.site = next;
    next.errorLog.log(`configuration reloaded from ${this.configFile}`, APLOG_NOTICE);
    void this.inFlight.idle(current).then(() => current.close());
    return true;
  }

  /**
   * Stops accepting, lets in-flight requests finish, then closes everything; connections
   * still open after `graceMs` are cut. Responses not yet started close their connection.
   * Idle keep-alive connections are closed at once, or after `idleLingerMs` when the service
   * goes on elsewhere (a worker replaced by a reload): closing one at once races a client
   * sending on it at that moment, which then sees a reset, while within the linger its next
   * request is still answered (with `Connection: close`).
   */
  close(graceMs = this.options.shutdownGraceMs ?? 10_000, idleLingerMs = 0): Promise<void> {
    this.closing ??= this.closeNow(graceMs, idleLingerMs);
    return this.closing;
  }

  private async closeNow(graceMs: number, idleLingerMs: number): Promise<void> {
    const started = Date.now();
    for (const res of this.inFlight.unsent()) res.setHeader("Connection", "close");
    // http.Server#close would also drop idle keep-alive connections at once, ignoring the
    // linger; net.Server#close only stops accepting.
    const closed = Promise.all(this.httpServers.map((s) => new Promise<void>((resolve) => net.Server.prototype.close.call(s, () => resolve()))));
    const linger = Math.min(idleLingerMs, graceMs);
    const sweepIdle = () => {
      if (Date.now() - started >= linger) for (const s of this.httpServers) s.closeIdleConnections();
    };
    sweepIdle();
    const sweep = setInterval(sweepIdle, 25);
    const timer = setTimeout(() => {
      for (const s of this.sockets) s.destroy();
    }, graceMs);
    await closed;
    clearInterval(sweep);
    clearTimeout(timer);
    await this.reloading;
    // Every connection is gone; a handler still awaiting something gets what is left of the grace.
    await Promise.race([this.inFlight.idle(this.site), delay(Math.max(0, graceMs - (Date.now() - started)))]);
    // Now idle, http.Server#close only clears its connection-checking timer.
    for (const s of this.httpServers) s.close();
    await this.site.close();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function loadServerConfig(configFile: string, options: ServerOptions): ServerConfig {
  return loadConfig(configFile, { defines: options.defines, builtins: new Set(options.builtins.keys()) });
}

function sameListen(a: ListenAddress[], b: ListenAddress[]): boolean {
  return a.length === b.length && a.every((x, i) => x.host === b[i].host && x.port === b[i].port);
}

/** The answer to a request Node's parser refused, with a reason for the client. */
function clientErrorStatus(err: NodeJS.ErrnoException & { rawPacket?: Buffer }, limitRequestLine: number): [string, string] {
  if (err.code === "HPE_HEADER_OVERFLOW") {
    // The overflow is the request line's own when that line alone is over LimitRequestLine.
    const lineEnd = err.rawPacket?.indexOf(10) ?? -1;
    if (err.rawPacket && (lineEnd < 0 || lineEnd > limitRequestLine)) return ["414 URI Too Long", "The request line exceeds LimitRequestLine."];
    return ["431 Request Header Fields Too Large", "The request headers exceed the server's limit."];
  }
  if (err.code === "ERR_HTTP_REQUEST_TIMEOUT") return ["408 Request Timeout", "The request headers were not received within Timeout."];
  return ["400 Bad Request", `The request could not be parsed (${err.code ?? "malformed"}).`];
}
