import { APLOG_ERR } from "../constants";
import type { CustomLogSpec, ServerConfig, VirtualServer } from "../config/model";
import type { Request } from "../request";
import type { ErrorLog } from "./error-log";
import { compileLogFormat, type LogLineFormatter } from "./log-format";
import { LogWriter } from "./log-writer";

interface CompiledLog {
  readonly format: LogLineFormatter;
  readonly env: CustomLogSpec["env"];
  readonly writer: LogWriter;
}

/**
 * The `CustomLog`s of one configuration (mod_log_config): formats compiled and files opened
 * once at load; a line per request is written after its response, batched, never blocking.
 */
export class AccessLogs {
  private readonly byServer = new Map<VirtualServer, CompiledLog[]>();
  private readonly writers = new Map<string, LogWriter>();

  constructor(config: ServerConfig, errorLog: ErrorLog) {
    const compiled = new Map<CustomLogSpec, CompiledLog>();
    for (const server of [config.main, ...config.vhosts]) {
      const logs = (server.customLogs ?? []).map((spec) => {
        let c = compiled.get(spec);
        if (!c) {
          let writer = this.writers.get(spec.target);
          if (!writer) {
            writer = new LogWriter(spec.target, (message) => errorLog.log(message, APLOG_ERR));
            this.writers.set(spec.target, writer);
          }
          c = { format: compileLogFormat(spec.format ?? spec.formatArg), env: spec.env, writer };
          compiled.set(spec, c);
        }
        return c;
      });
      if (logs.length) this.byServer.set(server, logs);
    }
  }

  /** Whether requests to this (virtual) server are logged at all. */
  logs(server: VirtualServer): boolean {
    return this.byServer.has(server);
  }

  /** Logs a finished request: `first` as the client sent it, `last` after internal redirects. */
  log(first: Request, last: Request): void {
    const logs = this.byServer.get(first.server.config);
    if (!logs) return;
    const record = { first, last, end: Date.now() };
    for (const l of logs) {
      if (l.env && last.subprocessEnv.has(l.env.name) === l.env.negate) continue;
      l.writer.write(l.format(record) + "\n");
    }
  }

  close(): Promise<void> {
    return Promise.all([...this.writers.values()].map((w) => w.close())).then(() => undefined);
  }
}
