import type { ProxyRule } from "../model";
import { Context, flagArg, secondsArg, type ApplyContext, type DirectiveDef } from "./directive-def";

const SERVER_OR_LOCATION = Context.SERVER | Context.VHOST | Context.DIR;

/** `ws://` and `wss://` (mod_proxy_wstunnel's schemes) name the same backends as http/https. */
const SCHEMES: Record<string, string> = { "http:": "http:", "https:": "https:", "ws:": "http:", "wss:": "https:" };

function backendUrl(name: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${name}: '${value}' is not an absolute URL`);
  }
  const scheme = SCHEMES[url.protocol];
  if (!scheme) throw new Error(`${name}: unsupported scheme '${url.protocol}' (use http:// or https://)`);
  if (url.search || url.hash) throw new Error(`${name}: the backend URL may not have a query or fragment: '${value}'`);
  if (url.username || url.password) throw new Error(`${name}: credentials in the backend URL are not supported: '${value}'`);
  return new URL(scheme + value.slice(url.protocol.length));
}

/**
 * The URL path a proxy directive applies to: its first argument at server level, the
 * enclosing `<Location>`'s path inside one (Apache's two forms). Regex locations have no
 * prefix to replace, so they are refused.
 */
function placeOf(name: string, ctx: ApplyContext, args: string[]): { prefix: string; rest: string[] } {
  if (ctx.section === null) {
    if (args.length !== 2) throw new Error(`${name}: at server level, give a URL path and a backend URL${name === "ProxyPass" ? " (or a path and !)" : ""}`);
    if (!args[0].startsWith("/")) throw new Error(`${name}: the URL path must start with '/', not '${args[0]}'`);
    return { prefix: args[0], rest: args.slice(1) };
  }
  if (ctx.section.kind !== "location") throw new Error(`${name}: allowed at server level and inside <Location>, not inside <${sectionName(ctx)}>`);
  if (ctx.section.regex) throw new Error(`${name}: not supported inside a regular-expression or wildcard <Location>; use a plain path`);
  if (args.length !== 1) throw new Error(`${name}: inside <Location>, give only the backend URL (the section's path is used)`);
  return { prefix: ctx.section.pattern, rest: args };
}

function sectionName(ctx: ApplyContext): string {
  return ctx.section?.kind === "files" ? "Files" : "Directory";
}

export const proxyDirectives: DirectiveDef[] = [
  {
    name: "ProxyPass",
    contexts: SERVER_OR_LOCATION,
    minArgs: 1,
    maxArgs: 2,
    apply(ctx, args) {
      const { prefix, rest } = placeOf("ProxyPass", ctx, args);
      const target = rest[0] === "!" ? null : backendUrl("ProxyPass", rest[0]);
      const rule: ProxyRule = { prefix, target, file: ctx.file, line: ctx.line };
      (ctx.dir.proxyPass ??= new Map()).set(prefix, rule);
    },
  },
  {
    name: "ProxyPassReverse",
    contexts: SERVER_OR_LOCATION,
    minArgs: 1,
    maxArgs: 2,
    apply(ctx, args) {
      const { prefix, rest } = placeOf("ProxyPassReverse", ctx, args);
      const backend = backendUrl("ProxyPassReverse", rest[0]);
      (ctx.dir.proxyPassReverse ??= new Map()).set(prefix, { prefix, backend: backend.href, backendPath: backend.pathname });
    },
  },
  {
    name: "ProxyPreserveHost",
    contexts: SERVER_OR_LOCATION,
    minArgs: 1,
    maxArgs: 1,
    apply(ctx, [flag]) {
      ctx.dir.proxyPreserveHost = flagArg("ProxyPreserveHost", flag);
    },
  },
  {
    name: "ProxyTimeout",
    contexts: SERVER_OR_LOCATION,
    minArgs: 1,
    maxArgs: 1,
    apply(ctx, [seconds]) {
      const n = secondsArg("ProxyTimeout", seconds);
      if (n <= 0) throw new Error("ProxyTimeout must be more than 0");
      ctx.dir.proxyTimeout = n;
    },
  },
];
