import { BoundedMap } from "../bounded-map";
import { compileWildcard, type ConfigRegex } from "../config";
import { addressMatches, type CoreServer } from "../core";

const CACHE_LIMIT = 1024;

/**
 * Name-based virtual hosts as Apache matches them: among the `<VirtualHost>`s for the port a
 * request arrived on, the first whose ServerName or ServerAlias equals the Host header (port
 * ignored, case-insensitive, aliases may use wildcards); else the first of them; else the
 * main server. Answers are cached per (port, host), with a bound since Host is client input.
 */
export class VhostMatcher {
  private readonly cache = new BoundedMap<string, CoreServer>(CACHE_LIMIT);
  private readonly names: Array<{ server: CoreServer; exact: Set<string>; patterns: ConfigRegex[] }>;

  constructor(
    private readonly main: CoreServer,
    private readonly vhosts: readonly CoreServer[],
  ) {
    this.names = vhosts.map((server) => {
      const all = [server.serverName, ...server.serverAliases].map((n) => n.toLowerCase());
      return {
        server,
        exact: new Set(all.filter((n) => !/[*?]/.test(n))),
        patterns: all.filter((n) => /[*?]/.test(n)).map((n) => compileWildcard(n)),
      };
    });
  }

  match(hostHeader: string | undefined, localPort: number, localIp: string): CoreServer {
    if (this.vhosts.length === 0) return this.main;
    const host = stripPort(hostHeader ?? "").toLowerCase();
    const key = `${localPort}|${localIp}|${host}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const candidates = this.names.filter((n) => n.server.addresses.some((a) => addressMatches(a, localPort, localIp)));
    const found = candidates.find((n) => n.exact.has(host) || n.patterns.some((p) => p.test(host)))?.server ?? candidates[0]?.server ?? this.main;
    this.cache.set(key, found);
    return found;
  }
}

function stripPort(host: string): string {
  if (host.startsWith("[")) return host.slice(0, host.indexOf("]") + 1);
  const colon = host.lastIndexOf(":");
  return colon < 0 ? host : host.slice(0, colon);
}
