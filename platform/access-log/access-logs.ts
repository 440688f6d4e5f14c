import { APLOG_ERR } from "../constants";
import type { ConfigValues } from "../config";
import { LogWriter, type ErrorLog } from "../log";
import type { Request } from "../request";
import { CustomLog, LogFormat, type CustomLogSpec } from "./directives";
import { PREDEFINED_LOG_FORMATS, compileLogFormat, type LogLineFormatter } from "./log-format";

/**
 * The format a `CustomLog` names: a nickname of its server's (a virtual host's own, then the
 * main server's), a predefined one, or a format written inline (with a `%` or a space).
 */
export function resolveFormat(spec: CustomLogSpec, formats: ReadonlyMap<string, string>): string | undefined {
  const arg = spec.formatArg;
  return formats.get(arg) ?? PREDEFINED_LOG_FORMATS.get(arg) ?? (arg.includes("%") || arg.includes(" ") ? arg : undefined);
}

interface CompiledLog {
  readonly format: LogLineFormatter;
  readonly env: CustomLogSpec["env"];
  readonly writer: LogWriter;
}

/** A server's logs for a plan: what its `CustomLog`s are, and their nicknames. */
export interface AccessLogConfig {
  readonly logs: readonly CustomLogSpec[];
  readonly formats: ReadonlyMap<string, string>;
}

export function accessLogConfig(values: ConfigValues): AccessLogConfig {
  return { logs: values.get(CustomLog) ?? [], formats: values.get(LogFormat) ?? new Map() };
}

/**
 * The `CustomLog`s of one configuration (mod_log_config): files opened once per target, formats
 * compiled once per line; a line per request is written after its response, batched, never
 * blocking.
 */
export class AccessLogs {
  private readonly writers = new Map<string, LogWriter>();
  private readonly compiled = new Map<CustomLogSpec, CompiledLog>();

  constructor(private readonly errorLog: ErrorLog) {}

  /** Logs a finished request: `first` as the client sent it, `last` after internal redirects. */
  log(config: AccessLogConfig, first: Request, last: Request): void {
    const record = { first, last, end: Date.now() };
    for (const spec of config.logs) {
      const l = this.compile(spec, config.formats);
      if (l.env && last.subprocessEnv.has(l.env.name) === l.env.negate) continue;
      l.writer.write(l.format(record) + "\n");
    }
  }

  private compile(spec: CustomLogSpec, formats: ReadonlyMap<string, string>): CompiledLog {
    let c = this.compiled.get(spec);
    if (!c) {
      let writer = this.writers.get(spec.target);
      if (!writer) {
        writer = new LogWriter(spec.target, (message) => this.errorLog.log(message, APLOG_ERR));
        this.writers.set(spec.target, writer);
      }
      // The load-time check guarantees the format resolves and compiles.
      c = { format: compileLogFormat(resolveFormat(spec, formats)!), env: spec.env, writer };
      this.compiled.set(spec, c);
    }
    return c;
  }

  close(): Promise<void> {
    return Promise.all([...this.writers.values()].map((w) => w.close())).then(() => undefined);
  }
}
