import * as path from "node:path";
import { APLOG_ALERT, APLOG_CRIT, APLOG_DEBUG, APLOG_EMERG, APLOG_ERR, APLOG_INFO, APLOG_NOTICE, APLOG_WARNING } from "../../constants";
import { ConfigRegex } from "../config-regex";
import type { ListenAddress } from "../model";
import { Context, OR_ALL, RSRC, intArg, secondsArg, type DirectiveDef } from "./directive-def";

export const LOG_LEVELS: Record<string, number> = {
  emerg: APLOG_EMERG,
  alert: APLOG_ALERT,
  crit: APLOG_CRIT,
  error: APLOG_ERR,
  warn: APLOG_WARNING,
  notice: APLOG_NOTICE,
  info: APLOG_INFO,
  debug: APLOG_DEBUG,
};

export function parseListen(value: string): ListenAddress {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]:|([^:[\]]+):)?(\d+)$/.exec(value);
  if (!m) throw new Error(`Listen takes [address:]port, not '${value}'`);
  const port = Number(m[3]);
  if (port > 65535) throw new Error(`port ${port} is out of range`);
  return { host: m[1] ?? m[2], port };
}

/** `Options` words; a list without +/- replaces every flag, as in Apache. */
const OPTION_FLAGS = ["Indexes", "FollowSymLinks", "SymLinksIfOwnerMatch", "ExecCGI", "Includes", "IncludesNOEXEC", "MultiViews"];

/** Apache's ceiling for LimitRequestFields. */
const MAX_REQUEST_FIELDS = 32767;
/** Ceiling for LimitRequestLine and LimitRequestFieldSize: a request head is never megabytes. */
const MAX_REQUEST_HEAD_BYTES = 1024 * 1024;

type NumericServerField = "limitRequestFields" | "limitRequestFieldSize" | "limitRequestLine" | "timeout" | "keepAliveTimeout";

/** A one-argument server-level number (limits, timeouts). */
function serverNumber(name: string, field: NumericServerField, parse: (value: string) => number): DirectiveDef {
  return {
    name,
    contexts: RSRC,
    minArgs: 1,
    maxArgs: 1,
    apply(ctx, [value]) {
      ctx.server[field] = parse(value);
    },
  };
}

export const coreDirectives: DirectiveDef[] = [
  {
    name: "ServerRoot",
    contexts: Context.SERVER,
    minArgs: 1,
    maxArgs: 1,
    apply(ctx, [dir]) {
      ctx.root.serverRoot = path.resolve(ctx.root.serverRoot, dir);
    },
  },
  {
    name: "Listen",
    contexts: Context.SERVER,
    minArgs: 1,
    maxArgs: 2,
    apply(ctx, [addr]) {
      ctx.root.listen.push(parseListen(addr));
    },
  },
  {
    name: "Workers",
    contexts: Context.SERVER,
    minArgs: 1,
    maxArgs: 1,
    apply(ctx, [n]) {
      ctx.root.workers = intArg("Workers", n, 1);
    },
  },
  {
    name: "StartServers",
    contexts: Context.SERVER,
    minArgs: 1,
    maxArgs: 1,
    apply(ctx, [n]) {
      ctx.root.workers = intArg("StartServers", n, 1);
    },
  },
  {
    name: "GracefulShutdownTimeout",
    contexts: Context.SERVER,
    minArgs: 1,
    maxArgs: 1,
    apply(ctx, [value]) {
      ctx.root.gracefulShutdownTimeout = secondsArg("GracefulShutdownTimeout", value);
    },
  },
  {
    name: "ServerName",
    contexts: RSRC,
    minArgs: 1,
    maxArgs: 1,
    apply(ctx, [name]) {
      ctx.server.serverName = name.replace(/^[a-z]+:\/\//i, "").replace(/:\d+$/, "");
    },
  },
  {
    name: "ServerAlias",
    contexts: Context.VHOST,
    minArgs: 1,
    maxArgs: Infinity,
    apply(ctx, names) {
      ctx.server.serverAliases = [...(ctx.server.serverAliases ?? []), ...names];
    },
  },
  {
    name: "ServerAdmin",
    contexts: RSRC,
    minArgs: 1,
    maxArgs: 1,
    apply(ctx, [admin]) {
      ctx.server.serverAdmin = admin;
    },
  },
  {
    name: "DocumentRoot",
    contexts: RSRC,
    minArgs: 1,
    maxArgs: 1,
    apply(ctx, [dir]) {
      ctx.server.documentRoot = ctx.resolvePath(dir).replace(/\/+$/, "") || "/";
    },
  },
  {
    name: "Alias",
    contexts: RSRC,
    minArgs: 2,
    maxArgs: 2,
    apply(ctx, [from, to]) {
      ctx.server.aliases = [...(ctx.server.aliases ?? []), { fromPath: from, fromRegex: null, target: ctx.resolvePath(to) }];
    },
  },
  {
    name: "AliasMatch",
    contexts: RSRC,
    minArgs: 2,
    maxArgs: 2,
    apply(ctx, [from, to]) {
      const rule = { fromPath: null, fromRegex: ConfigRegex.compile("AliasMatch", from), target: to };
      ctx.server.aliases = [...(ctx.server.aliases ?? []), rule];
    },
  },
  {
    name: "DirectoryIndex",
    contexts: OR_ALL,
    minArgs: 1,
    maxArgs: Infinity,
    apply(ctx, names) {
      ctx.dir.directoryIndex = names.length === 1 && names[0].toLowerCase() === "disabled" ? [] : names;
    },
  },
  {
    name: "Options",
    contexts: OR_ALL,
    minArgs: 1,
    maxArgs: Infinity,
    apply(ctx, words) {
      const relative = words.every((w) => w.startsWith("+") || w.startsWith("-"));
      if (!relative && words.some((w) => w.startsWith("+") || w.startsWith("-"))) {
        throw new Error("Options: either all options must start with + or -, or no option may");
      }
      if (!relative) for (const f of OPTION_FLAGS) ctx.dir.optionFlags.set(f, false);
      for (const w of words) {
        const bare = relative ? w.slice(1) : w;
        if (bare.toLowerCase() === "none" && !relative) continue;
        if (bare.toLowerCase() === "all" && !relative) {
          for (const f of OPTION_FLAGS) if (f !== "MultiViews") ctx.dir.optionFlags.set(f, true);
          continue;
        }
        const flag = OPTION_FLAGS.find((f) => f.toLowerCase() === bare.toLowerCase());
        if (!flag) throw new Error(`Options: unknown option '${bare}'`);
        ctx.dir.optionFlags.set(flag, !w.startsWith("-"));
      }
    },
  },
  {
    name: "SetHandler",
    contexts: OR_ALL,
    minArgs: 1,
    maxArgs: 1,
    apply(ctx, [handler]) {
      ctx.dir.setHandler = handler.toLowerCase() === "none" ? "" : handler;
    },
  },
  {
    name: "AddHandler",
    contexts: OR_ALL,
    minArgs: 2,
    maxArgs: Infinity,
    apply(ctx, [handler, ...exts]) {
      for (const e of exts) ctx.dir.addHandlers.set(normalizeExt(e), handler);
    },
  },
  {
    name: "RemoveHandler",
    contexts: OR_ALL,
    minArgs: 1,
    maxArgs: Infinity,
    apply(ctx, exts) {
      for (const e of exts) ctx.dir.addHandlers.set(normalizeExt(e), "");
    },
  },
  {
    name: "AddType",
    contexts: OR_ALL,
    minArgs: 2,
    maxArgs: Infinity,
    apply(ctx, [type, ...exts]) {
      if (!/^[\w.+-]+\/[\w.+-]+/.test(type)) throw new Error(`AddType: '${type}' is not a media type`);
      for (const e of exts) ctx.dir.addTypes.set(normalizeExt(e), type);
    },
  },
  {
    name: "DefaultType",
    contexts: OR_ALL,
    minArgs: 1,
    maxArgs: 1,
    apply(ctx, [type]) {
      ctx.dir.defaultType = type.toLowerCase() === "none" ? "" : type;
    },
  },
  {
    name: "ErrorDocument",
    contexts: OR_ALL,
    minArgs: 2,
    maxArgs: 2,
    apply(ctx, [code, target]) {
      const status = intArg("ErrorDocument", code, 400);
      if (status > 599) throw new Error(`ErrorDocument: ${status} is not an error status`);
      ctx.dir.errorDocuments.set(status, target.toLowerCase() === "default" ? "" : target);
    },
  },
  {
    name: "LimitRequestBody",
    contexts: OR_ALL,
    minArgs: 1,
    maxArgs: 1,
    apply(ctx, [n]) {
      ctx.dir.limitRequestBody = intArg("LimitRequestBody", n);
    },
  },
  serverNumber("LimitRequestFields", "limitRequestFields", (v) => intArg("LimitRequestFields", v, 0, MAX_REQUEST_FIELDS)),
  serverNumber("LimitRequestFieldSize", "limitRequestFieldSize", (v) => intArg("LimitRequestFieldSize", v, 1, MAX_REQUEST_HEAD_BYTES)),
  serverNumber("LimitRequestLine", "limitRequestLine", (v) => intArg("LimitRequestLine", v, 1, MAX_REQUEST_HEAD_BYTES)),
  serverNumber("Timeout", "timeout", (v) => secondsArg("Timeout", v)),
  serverNumber("KeepAliveTimeout", "keepAliveTimeout", (v) => secondsArg("KeepAliveTimeout", v)),
  {
    name: "ErrorLog",
    contexts: RSRC,
    minArgs: 1,
    maxArgs: 1,
    apply(ctx, [file]) {
      ctx.server.errorLog = /^(stderr|stdout)$/i.test(file) ? file.toLowerCase() : ctx.resolvePath(file);
    },
  },
  {
    name: "LogLevel",
    contexts: RSRC,
    minArgs: 1,
    maxArgs: 1,
    apply(ctx, [level]) {
      const n = LOG_LEVELS[level.toLowerCase()];
      if (n === undefined) throw new Error(`LogLevel: unknown level '${level}' (one of ${Object.keys(LOG_LEVELS).join(", ")})`);
      ctx.server.logLevel = n;
    },
  },
];

function normalizeExt(ext: string): string {
  return (ext.startsWith(".") ? ext : "." + ext).toLowerCase();
}
