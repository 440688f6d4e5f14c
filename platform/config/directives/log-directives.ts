import { compileLogFormat, PREDEFINED_LOG_FORMATS } from "../../log/log-format";
import { ConfigError, ErrorCode } from "../../errors";
import type { CustomLogSpec, ServerConfig, VirtualServer } from "../model";
import { RSRC, type ApplyContext, type DirectiveDef } from "./directive-def";

/** The key of the format `LogFormat` sets without a nickname (used by `TransferLog`). */
const DEFAULT_FORMAT_KEY = "";

function addLog(ctx: ApplyContext, target: string, formatArg: string, condition: string | undefined): void {
  if (target.startsWith("|")) throw new Error("piped logs are not supported; log to a file, stdout or stderr");
  let env: CustomLogSpec["env"] = null;
  if (condition !== undefined) {
    const m = /^env=(!?)(.+)$/i.exec(condition);
    if (!m) throw new Error(`the condition '${condition}' is not supported (only env=[!]VARIABLE)`);
    env = { name: m[2], negate: m[1] === "!" };
  }
  const spec: CustomLogSpec = {
    target: /^(stdout|stderr)$/i.test(target) ? target.toLowerCase() : ctx.resolvePath(target),
    formatArg,
    format: null,
    env,
    file: ctx.file,
    line: ctx.line,
  };
  ctx.server.customLogs = [...(ctx.server.customLogs ?? []), spec];
}

export const logDirectives: DirectiveDef[] = [
  {
    name: "LogFormat",
    contexts: RSRC,
    minArgs: 1,
    maxArgs: 2,
    apply(ctx, [format, nickname = DEFAULT_FORMAT_KEY]) {
      compileLogFormat(format);
      ctx.server.logFormats = new Map([...(ctx.server.logFormats ?? []), [nickname, format]]);
    },
  },
  {
    name: "CustomLog",
    contexts: RSRC,
    minArgs: 2,
    maxArgs: 3,
    apply(ctx, [target, format, condition]) {
      addLog(ctx, target, format, condition);
    },
  },
  {
    name: "TransferLog",
    contexts: RSRC,
    minArgs: 1,
    maxArgs: 1,
    apply(ctx, [target]) {
      addLog(ctx, target, DEFAULT_FORMAT_KEY, undefined);
    },
  },
];

/**
 * Resolves `CustomLog` nicknames once the whole configuration is read (so `LogFormat` may
 * come after its use, as in Apache): a server's own nicknames, then the main server's, then
 * the predefined ones. A format written inline (with a `%`) is used as it is.
 */
export function resolveLogFormats(config: ServerConfig): ConfigError[] {
  const errors: ConfigError[] = [];
  const resolve = (server: VirtualServer, spec: CustomLogSpec) => {
    if (spec.format !== null) return;
    const arg = spec.formatArg;
    const format =
      server.logFormats?.get(arg) ??
      config.main.logFormats?.get(arg) ??
      PREDEFINED_LOG_FORMATS.get(arg) ??
      (arg.includes("%") || arg.includes(" ") ? arg : undefined);
    if (format === undefined) {
      const known = [...new Set([...(server.logFormats?.keys() ?? []), ...(config.main.logFormats?.keys() ?? []), ...PREDEFINED_LOG_FORMATS.keys()])];
      errors.push(new ConfigError(ErrorCode.CONFIG_ARGUMENTS, spec.file, spec.line, `CustomLog: no LogFormat nickname '${arg}' (known: ${known.filter(Boolean).join(", ")})`));
      return;
    }
    try {
      compileLogFormat(format);
      spec.format = format;
    } catch (e) {
      errors.push(new ConfigError(ErrorCode.CONFIG_ARGUMENTS, spec.file, spec.line, `CustomLog: ${(e as Error).message}`));
    }
  };
  for (const spec of config.main.customLogs ?? []) resolve(config.main, spec);
  for (const vh of config.vhosts) for (const spec of vh.customLogs ?? []) resolve(vh, spec);
  return errors;
}
