import { directive, flagArg, mergeMaps, secondsArg, type DirectiveSpec, type Where } from "../config";

/** One `ProxyPass`: requests under `prefix` go to `target` (null: `ProxyPass /path !`, an exclusion). */
export interface ProxyRule {
  readonly prefix: string;
  readonly target: URL | null;
  readonly file: string;
  readonly line: number;
}

/** One `ProxyPassReverse`: backend URLs starting with `backend` are shown to clients under `prefix`. */
export interface ProxyReverseRule {
  readonly prefix: string;
  readonly backend: string;
  /** The path of `backend`, for backend-relative `Location: /...` values. */
  readonly backendPath: string;
}

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
function placeOf(name: string, where: Where, args: string[]): { prefix: string; rest: string[] } {
  const section = where.section;
  if (section === null) {
    if (args.length !== 2) throw new Error(`${name}: at server level, give a URL path and a backend URL${name === "ProxyPass" ? " (or a path and !)" : ""}`);
    if (!args[0].startsWith("/")) throw new Error(`${name}: the URL path must start with '/', not '${args[0]}'`);
    return { prefix: args[0], rest: args.slice(1) };
  }
  if (section.kind !== "location") throw new Error(`${name}: allowed at server level and inside <Location>, not inside <${section.kind === "files" ? "Files" : "Directory"}>`);
  if (section.regex) throw new Error(`${name}: not supported inside a regular-expression or wildcard <Location>; use a plain path`);
  if (args.length !== 1) throw new Error(`${name}: inside <Location>, give only the backend URL (the section's path is used)`);
  return { prefix: section.pattern, rest: args };
}

/** Rules by URL-path prefix: a later or inner rule for the same prefix replaces the earlier one. */
function byPrefix<R>(name: string, make: (prefix: string, rest: string[], where: Where) => R): DirectiveSpec<Map<string, R>> {
  return {
    name,
    context: "both",
    args: [1, 2],
    parse(args, where) {
      const { prefix, rest } = placeOf(name, where, args);
      return new Map([[prefix, make(prefix, rest, where)]]);
    },
    combine: mergeMaps,
    merge: mergeMaps,
  };
}

export const ProxyPass = byPrefix<ProxyRule>("ProxyPass", (prefix, [target], where) => ({
  prefix,
  target: target === "!" ? null : backendUrl("ProxyPass", target),
  file: where.file,
  line: where.line,
}));

export const ProxyPassReverse = byPrefix<ProxyReverseRule>("ProxyPassReverse", (prefix, [target]) => {
  const backend = backendUrl("ProxyPassReverse", target);
  return { prefix, backend: backend.href, backendPath: backend.pathname };
});

export const ProxyPreserveHost = directive<boolean>({ name: "ProxyPreserveHost", context: "both", args: 1, parse: ([flag]) => flagArg("ProxyPreserveHost", flag) });

/** tsmod's shorthand: the authenticated user goes to the backend as `X-Remote-User`. */
export const ProxyAddRemoteUser = directive<boolean>({ name: "ProxyAddRemoteUser", context: "both", args: 1, parse: ([flag]) => flagArg("ProxyAddRemoteUser", flag) });

export const ProxyTimeout = directive<number>({
  name: "ProxyTimeout",
  context: "both",
  args: 1,
  parse([seconds]) {
    const n = secondsArg("ProxyTimeout", seconds);
    if (n <= 0) throw new Error("ProxyTimeout must be more than 0");
    return n;
  },
});

/** The proxy module's configuration for a plan. */
export interface ProxyConfig {
  /** Longest prefix first, so `ProxyPass /app/static !` beats `ProxyPass /app ...` in any order. */
  readonly rules: readonly ProxyRule[];
  readonly reverse: ReadonlyMap<string, ProxyReverseRule>;
  readonly preserveHost: boolean;
  /** `ProxyAddRemoteUser On`: `X-Remote-User` carries `req.user` (the client's own is dropped). */
  readonly addRemoteUser: boolean;
  /** Seconds; undefined: the server's `Timeout`. */
  readonly timeout: number | undefined;
}
