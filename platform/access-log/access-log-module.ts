import { DECLINED } from "../constants";
import { HOOK_LAST, defineModule, moduleState, type CheckContext, type RefusedRequestLog, type TsmodModule } from "../module";
import type { Request } from "../request";
import { AccessLogs, accessLogConfig, resolveFormat, type AccessLogConfig } from "./access-logs";
import { CustomLog, LogFormat, TransferLog } from "./directives";
import { PREDEFINED_LOG_FORMATS, compileLogFormat } from "./log-format";

function firstOf(req: Request): Request {
  let r = req;
  while (r.prev) r = r.prev;
  return r;
}

/**
 * mod_log_config: `LogFormat`, `CustomLog`, `TransferLog`; a line per request in the log
 * phase, after the handlers' own log hooks. Nicknames resolve once the whole file is read, so
 * `LogFormat` may come after its use, as in Apache.
 */
export const accessLogModule: TsmodModule<AccessLogConfig> = defineModule<AccessLogConfig>({
  name: "log_config",
  directives: [LogFormat, CustomLog, TransferLog],
  dirConfig: accessLogConfig,
  start: (ctx) => new AccessLogs(ctx.errorLog),
  stop: (logs: AccessLogs) => logs.close(),
  hooks: {
    log: {
      order: HOOK_LAST,
      when: (c) => c.logs.length > 0,
      run(req, config) {
        moduleState<AccessLogs>(req, accessLogModule).log(config, firstOf(req), req);
        return DECLINED;
      },
    },
  },
  providers: {
    refusedRequestLog: {
      accessLog: {
        log(req: Request) {
          const config = req.moduleConfig("log_config") as AccessLogConfig;
          if (config.logs.length) moduleState<AccessLogs>(req, accessLogModule).log(config, req, req);
        },
      } satisfies RefusedRequestLog,
    },
  },
  check: checkFormats,
});

function checkFormats(ctx: CheckContext): void {
  for (const server of [ctx.config.main, ...ctx.config.vhosts]) {
    const config = accessLogConfig(server.values);
    for (const spec of server.ownValues.get(CustomLog) ?? []) {
      if (ctx.deep && spec.target !== "stdout" && spec.target !== "stderr") ctx.deep.writable(spec.target, "CustomLog", spec);
      const format = resolveFormat(spec, config.formats);
      if (format === undefined) {
        const known = [...new Set([...config.formats.keys(), ...PREDEFINED_LOG_FORMATS.keys()])];
        ctx.report(spec.file, spec.line, `CustomLog: no LogFormat nickname '${spec.formatArg}' (known: ${known.filter(Boolean).join(", ")})`);
        continue;
      }
      try {
        compileLogFormat(format);
      } catch (e) {
        ctx.report(spec.file, spec.line, `CustomLog: ${(e as Error).message}`);
      }
    }
  }
}
