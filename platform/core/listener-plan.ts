import type { CoreMain, CoreServer } from "./core-config";
import type { ListenAddress } from "./directives";
import { addressMatches } from "./vhost-address";

/** What one `Listen` address speaks, worked out from the servers that answer on it. */
export interface ListenerPlan {
  readonly address: ListenAddress;
  /** TLS: `Listen ... https`, or a server on the address with `SSLEngine on`. */
  readonly secure: boolean;
  /** HTTP/2 over TLS (ALPN `h2`), next to HTTP/1.1. */
  readonly h2: boolean;
  /** HTTP/2 in cleartext with prior knowledge (`h2c`), next to HTTP/1.1. */
  readonly h2c: boolean;
  /** The servers with `SSLEngine on` on this address; the first is the default (clients without SNI). */
  readonly tlsServers: readonly CoreServer[];
}

/**
 * The servers answering on an address as the virtual-host matcher sees them: the
 * `<VirtualHost>`s for its port (and address, when it names one), else the main server.
 */
function serversOn(servers: readonly CoreServer[], address: ListenAddress): readonly CoreServer[] {
  const [main, ...vhosts] = servers;
  const here = vhosts.filter((s) => s.addresses.some((a) => addressMatches(a, address.port, address.host ?? hostOf(a))));
  return here.length ? here : [main];
}

/** A vhost address's host part: a listener on every address takes every host. */
function hostOf(vhostAddress: string): string {
  return vhostAddress.startsWith("[") ? vhostAddress.slice(1, vhostAddress.indexOf("]")) : vhostAddress.split(":")[0];
}

/**
 * Each `Listen` address's protocols (`servers[0]` is the main server). A mismatch, such as
 * `Listen 443 https` with no certificate for it, is reported at load.
 */
export function listenerPlans(main: CoreMain, servers: readonly CoreServer[], report: (message: string) => void): ListenerPlan[] {
  return main.listen.map((address) => {
    const on = serversOn(servers, address);
    const tlsServers = on.filter((s) => s.tls);
    const secure = address.protocol === "https" || (address.protocol === null && tlsServers.length > 0);
    const name = `Listen ${address.host ? `${address.host}:` : ""}${address.port}`;
    if (secure && tlsServers.length === 0) report(`${name} https: no server on that address has SSLEngine on`);
    if (!secure && tlsServers.length > 0) report(`${name} http: the server at ${tlsServers[0].file}:${tlsServers[0].line} on that address has SSLEngine on`);
    const speaks = (p: string) => on.some((s) => s.protocols.includes(p));
    return { address, secure, h2: secure && speaks("h2"), h2c: !secure && speaks("h2c"), tlsServers };
  });
}
