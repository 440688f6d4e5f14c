import type * as Inspector from "node:inspector";
import { APLOG_WARNING } from "../constants";
import { directive, flagArg } from "../config";
import { lazyModule } from "../lazy-module";
import { defineModule } from "../module";

/** Loaded only when the directive is on: `node:inspector` brings worker_threads with it. */
const nodeInspector = lazyModule<typeof Inspector>("node:inspector");

interface InspectSetting {
  readonly on: boolean;
  readonly host: string;
  readonly port: number;
}

/**
 * `TsInspect On [host:]port` (mod_python's PythonEnablePdb): Node's inspector for the process
 * that runs the handlers, so `chrome://inspect` or `node inspect` can set breakpoints in them.
 * Default 127.0.0.1:9229. Like PythonEnablePdb, which needed httpd's one-process mode, it
 * needs one process: `Workers 1`.
 */
export const TsInspect = directive<InspectSetting>({
  name: "TsInspect",
  context: "main",
  args: [1, 2],
  parse([flag, address]) {
    const on = flagArg("TsInspect", flag);
    const m = /^(?:(\[[^\]]+\]|[^:]+):)?(\d+)$/.exec(address ?? "9229");
    if (!m || Number(m[2]) > 65535) throw new Error(`'${address}' is not a port or host:port`);
    return { on, host: m[1]?.replace(/^\[|\]$/g, "") ?? "127.0.0.1", port: Number(m[2]) };
  },
});

/** Configurations started with the inspector on: it stays open across a reload, closes with the last. */
let users = 0;
/** Whether tsmod opened it (one opened by `node --inspect` is not tsmod's to close). */
let openedHere = false;

export const inspectModule = defineModule({
  name: "inspect",
  directives: [TsInspect],
  check(ctx) {
    const setting = ctx.config.main.values.get(TsInspect);
    if (setting?.on && ctx.main.workers > 1) ctx.report(ctx.config.configFile, 1, "TsInspect On needs Workers 1: the inspector attaches to one process");
  },
  start(ctx) {
    const setting = ctx.config.main.values.get(TsInspect);
    if (!setting?.on) return false;
    const inspector = nodeInspector();
    users++;
    if (!inspector.url()) {
      inspector.open(setting.port, setting.host, false);
      openedHere = true;
    }
    ctx.errorLog.log(`TsInspect: debugger listening on ${inspector.url()} (anyone who can reach it runs code in this process)`, APLOG_WARNING);
    return true;
  },
  stop(opened: boolean) {
    if (opened && --users === 0 && openedHere) {
      nodeInspector().close();
      openedHere = false;
    }
  },
});
