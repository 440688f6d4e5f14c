import type { CoreServer } from "../core";
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

  constructor(readonly config: CoreServer) {
    this.serverRoot = config.serverRoot;
    this.serverHostname = config.serverName;
    this.isVirtual = config.isVirtual;
    this.serverAdmin = config.serverAdmin;
    this.timeout = config.timeout;
    this.keepAliveTimeout = config.keepAliveTimeout;
    this.documentRoot = config.documentRoot;
    this.settings = config.settings;
    this.options = config.options;
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
}
