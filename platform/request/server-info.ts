import { APLOG_ERR } from "../constants";
import type { CoreServer } from "../core";
import type { ErrorLog } from "../log";
import type { ServerCleanups } from "../server-cleanups";
import { Table } from "../table";

/**
 * `req.server`: the (virtual) server a request was matched to. One object per server for the
 * life of the configuration, not one per request.
 */
export class ServerInfo {
  readonly serverHostname: string;
  readonly isVirtual: boolean;
  readonly serverAdmin: string;
  readonly timeout: number;
  readonly keepAliveTimeout: number;
  readonly documentRoot: string;
  private readonly settings: ReadonlyMap<string, string>;
  private readonly options: ReadonlyMap<string, string>;
  readonly serverRoot: string;
  /** ServerAlias names without wildcards, and those with them (mod_python's `names`, `wild_names`). */
  readonly names: readonly string[];
  readonly wildNames: readonly string[];
  /** The port of the server's own address (`<VirtualHost *:8080>`), 0 when it names none. */
  readonly port: number;
  /** `ErrorLog` as configured. */
  readonly errorFname: string;
  readonly loglevel: number;
  readonly limitReqLine: number;
  readonly limitReqFieldsize: number;
  readonly limitReqFields: number;
  /** Requests per keep-alive connection: Node's server sets no limit (Apache's 0). */
  readonly keepAliveMax = 0;
  readonly keepAlive = true;
  /** Where the server is defined: the `<VirtualHost>` line, or the file for the main server. */
  readonly defnName: string;
  readonly defnLineNumber: number;

  constructor(
    readonly config: CoreServer,
    private readonly errorLog: ErrorLog,
    private readonly cleanups: ServerCleanups,
  ) {
    this.serverRoot = config.serverRoot;
    this.serverHostname = config.serverName;
    this.isVirtual = config.isVirtual;
    this.serverAdmin = config.serverAdmin;
    this.timeout = config.timeout;
    this.keepAliveTimeout = config.keepAliveTimeout;
    this.documentRoot = config.documentRoot;
    this.settings = config.settings;
    this.options = config.options;
    this.names = config.serverAliases.filter((n) => !/[*?]/.test(n));
    this.wildNames = config.serverAliases.filter((n) => /[*?]/.test(n));
    const port = /:(\d+)$/.exec(config.addresses[0] ?? "");
    this.port = port ? Number(port[1]) : 0;
    this.errorFname = config.errorLog;
    this.loglevel = config.logLevel;
    this.limitReqLine = config.limitRequestLine;
    this.limitReqFieldsize = config.limitRequestFieldSize;
    this.limitReqFields = config.limitRequestFields;
    this.defnName = config.file;
    this.defnLineNumber = config.line;
  }

  /** Runs `fn(data)` when this configuration retires: at a graceful stop or a reload. */
  registerCleanup<T>(fn: (data: T) => unknown, data?: T): void {
    this.cleanups.register(fn, data);
  }

  /** A message for the error log without a client (Apache's `ap_log_error`). */
  logError(message: string, level: number = APLOG_ERR): void {
    this.errorLog.log(message, level || APLOG_ERR);
  }

  /** Directives set at this server's own level (outside sections), as `req.getConfig()`. */
  getConfig(): Table {
    return new Table(this.settings);
  }

  /** `TsOption`s set at this server's own level. */
  getOptions(): Table {
    return optionsTable(this.options);
  }
}

/** `TsOption` values with the unset ("") keys left out. */
export function optionsTable(options: ReadonlyMap<string, string>): Table {
  const t = new Table();
  for (const [k, v] of options) if (v !== "") t.set(k, v);
  return t;
}

/** `req.connection`. */
export interface ConnectionInfo {
  readonly remoteIp: string;
  readonly remotePort: number;
  readonly localIp: string;
  readonly localPort: number;
  /** The server the connection arrived at (the main server). */
  readonly baseServer: ServerInfo;
  /** True once the client has gone away. */
  readonly aborted: boolean;
  /** Per-process connection number (Apache's `c->id`). */
  readonly id: number;
  /** Notes kept for the life of the connection. */
  readonly notes: Table;
  /** Requests on this connection before the current one (Apache's `c->keepalives`). */
  readonly keepalives: number;
  /** AP_CONN_KEEPALIVE when the connection stays open after this response, else AP_CONN_CLOSE. */
  readonly keepalive: number;
  /** tsmod does no DNS lookups (Apache's HostnameLookups Off): null. */
  readonly remoteHost: string | null;
  readonly localHost: string | null;
  /** Logs with the client's address (Apache's `ap_log_cerror`). */
  logError(message: string, level?: number): void;
}
