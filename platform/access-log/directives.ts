import { appendList, directive, mergeMaps, type Where } from "../config";
import { compileLogFormat } from "./log-format";

/** The key of the format `LogFormat` sets without a nickname (used by `TransferLog`). */
export const DEFAULT_FORMAT_KEY = "";

/** One `CustomLog` line. */
export interface CustomLogSpec {
  /** A file (absolute), `stdout` or `stderr`. */
  readonly target: string;
  /** The format or nickname as written. */
  readonly formatArg: string;
  readonly env: { readonly name: string; readonly negate: boolean } | null;
  readonly file: string;
  readonly line: number;
}

export const LogFormat = directive<Map<string, string>>({
  name: "LogFormat",
  context: "server",
  args: [1, 2],
  parse([format, nickname = DEFAULT_FORMAT_KEY]) {
    compileLogFormat(format);
    return new Map([[nickname, format]]);
  },
  combine: mergeMaps,
  merge: mergeMaps,
});

function logSpec(target: string, formatArg: string, condition: string | undefined, where: Where): CustomLogSpec[] {
  if (target.startsWith("|")) throw new Error("piped logs are not supported; log to a file, stdout or stderr");
  let env: CustomLogSpec["env"] = null;
  if (condition !== undefined) {
    const m = /^env=(!?)(.+)$/i.exec(condition);
    if (!m) throw new Error(`the condition '${condition}' is not supported (only env=[!]VARIABLE)`);
    env = { name: m[2], negate: m[1] === "!" };
  }
  return [{ target: /^(stdout|stderr)$/i.test(target) ? target.toLowerCase() : where.resolvePath(target), formatArg, env, file: where.file, line: where.line }];
}

/** A virtual host without logs of its own logs to the main server's (the default merge). */
export const CustomLog = directive<CustomLogSpec[]>({
  name: "CustomLog",
  context: "server",
  args: [2, 3],
  parse: ([target, format, condition], where) => logSpec(target, format, condition, where),
  combine: appendList,
});

export const TransferLog = directive<CustomLogSpec[]>({
  name: "TransferLog",
  context: "server",
  args: 1,
  parse: ([target], where) => logSpec(target, DEFAULT_FORMAT_KEY, undefined, where),
  shares: CustomLog,
});
