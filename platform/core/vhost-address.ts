/** `*`, `_default_`, `*:port`, `ip`, `ip:port`, `[v6]:port`. */
export function addressMatches(address: string, port: number, ip: string): boolean {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+|\*))?$/.exec(address);
  if (!m) return false;
  const host = m[1].replace(/^\[|\]$/g, "");
  const portOk = m[2] === undefined || m[2] === "*" || Number(m[2]) === port;
  const bareIp = ip.startsWith("::ffff:") ? ip.slice(7) : ip;
  const hostOk = host === "*" || host === "_default_" || host === bareIp || host === ip;
  return portOk && hostOk;
}
