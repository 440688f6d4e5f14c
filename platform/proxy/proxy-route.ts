import type { DirConfig, ProxyRule } from "../config";

/** `req.filename` of a proxied request is `proxy:` + the backend URL, as in Apache. */
export const PROXY_FILENAME_PREFIX = "proxy:";

/** `req.handler` of a proxied request unless `SetHandler` names another one. */
export const PROXY_HANDLER = "proxy-server";

/** Longest prefix first, so `ProxyPass /app/static !` beats `ProxyPass /app ...` in any order. */
const sortedCache = new WeakMap<Map<string, ProxyRule>, ProxyRule[]>();

function sortedRules(rules: Map<string, ProxyRule>): ProxyRule[] {
  let sorted = sortedCache.get(rules);
  if (!sorted) {
    sorted = [...rules.values()].sort((a, b) => b.prefix.length - a.prefix.length);
    sortedCache.set(rules, sorted);
  }
  return sorted;
}

/** `/app` covers `/app`, `/app/` and `/app/...` but not `/apple` (as `<Location>`). */
function coversPath(prefix: string, uri: string): boolean {
  if (prefix === "/" || uri === prefix) return true;
  return uri.startsWith(prefix.endsWith("/") ? prefix : prefix + "/");
}

/** Joins a backend base path and the rest of a client path with exactly one slash between. */
export function joinPath(base: string, rest: string): string {
  if (rest === "") return base;
  const slashBase = base.endsWith("/");
  const slashRest = rest.startsWith("/");
  if (slashBase && slashRest) return base + rest.slice(1);
  if (!slashBase && !slashRest) return base + "/" + rest;
  return base + rest;
}

/** Percent-encodes a decoded path again for the backend (`?`, `#`, spaces, non-ASCII, `%`). */
function encodePath(decoded: string): string {
  return encodeURI(decoded).replace(/[?#]/g, (c) => encodeURIComponent(c));
}

/**
 * The `proxy:URL` filename for a request the `ProxyPass` rules in effect send to a backend,
 * or null when none applies (no rule, or an exclusion with `!`).
 */
export function proxyFilename(dir: DirConfig, uri: string, args: string | null): string | null {
  const rules = dir.proxyPass;
  if (!rules) return null;
  for (const rule of sortedRules(rules)) {
    if (!coversPath(rule.prefix, uri)) continue;
    if (!rule.target) return null;
    const t = rule.target;
    const pathname = joinPath(t.pathname, encodePath(uri.slice(rule.prefix.length)));
    return `${PROXY_FILENAME_PREFIX}${t.protocol}//${t.host}${pathname}${args !== null ? "?" + args : ""}`;
  }
  return null;
}

/** The handler for a proxied request: `SetHandler` (e.g. `tsmod`) still wins, as in Apache. */
export function proxyHandlerFor(dir: DirConfig): string {
  return dir.setHandler || PROXY_HANDLER;
}

export function isProxied(filename: string | null): filename is string {
  return filename !== null && filename.startsWith(PROXY_FILENAME_PREFIX);
}
