import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { APLOG_ERR, APLOG_NOTICE } from "../constants";
import { loadConfig, type ServerConfig } from "../config";
import { ConfigErrors } from "../errors";
import { nodeParserLimits } from "./request-limits";
import { Site, type SiteOptions } from "./site";

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
  private closing = false;
  site: Site;

  private constructor(
    readonly configFile: string,
    private readonly options: ServerOptions,
    config: ServerConfig,
  ) {
    this.site = new Site(config, options);
  }

  /** Loads the configuration (throws `ConfigErrors`) and starts listening. */
  static async start(configFile: string, options: ServerOptions): Promise<TsmodServer> {
    const config = loadConfig(configFile, { defines: options.defines, builtins: new Set(options.builtins.keys()) });
    const server = new TsmodServer(configFile, options, config);
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
        (req, res) => {
          if (this.closing) res.setHeader("Connection", "close");
          void this.site.handle(req, res);
        },
      );
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
      this.httpServers.push(srv);
    }
  }

  /**
   * Re-reads the configuration. Listen addresses stay as they are (changing them needs a
   * restart); everything else takes effect for the next request.
   */
  async reload(): Promise<boolean> {
    let config: ServerConfig;
    try {
      config = loadConfig(this.configFile, { defines: this.options.defines, builtins: new Set(this.options.builtins.keys()) });
    } catch (e) {
      const msg = e instanceof ConfigErrors ? e.message : String(e);
      this.site.errorLog.log(`configuration reload failed, keeping the running one:\n${msg}`, APLOG_ERR);
      return false;
    }
    const old = this.site;
    const next = new Site(config, this.options);
    await next.runImports();
    this.site = next;
    next.errorLog.log("configuration reloaded", APLOG_NOTICE);
    await old.close();
    return true;
  }

  /** Stops accepting, lets in-flight requests finish (bounded), then closes everything. */
  async close(graceMs = this.options.shutdownGraceMs ?? 10_000): Promise<void> {
    this.closing = true;
    const closed = Promise.all(this.httpServers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    // Keep-alive connections become idle as their last response completes; close them then.
    const sweep = setInterval(() => {
      for (const s of this.httpServers) s.closeIdleConnections();
    }, 50);
    const timer = setTimeout(() => {
      for (const s of this.sockets) s.destroy();
    }, graceMs);
    await closed;
    clearInterval(sweep);
    clearTimeout(timer);
    await this.site.close();
  }
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
