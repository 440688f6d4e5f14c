import * as tls from "node:tls";
import { secureContextOptions, type CoreServer, type ListenerPlan } from "../core";
import { VhostMatcher } from "./vhost-match";

/**
 * The certificates of one TLS listener, chosen by SNI among its virtual hosts the way requests
 * are (ServerName, ServerAlias, wildcards). `update` swaps in a reloaded configuration's: new
 * handshakes get them, open connections keep theirs.
 */
export class SniContexts {
  private matcher!: VhostMatcher;
  private contexts = new Map<CoreServer, tls.SecureContext>();
  /** The default server's options, for `setSecureContext` and clients that send no name. */
  defaultOptions!: tls.SecureContextOptions;

  constructor(
    private readonly port: number,
    private readonly host: string,
    plan: ListenerPlan,
  ) {
    this.update(plan);
  }

  update(plan: ListenerPlan): void {
    const [first, ...rest] = plan.tlsServers;
    const contexts = new Map<CoreServer, tls.SecureContext>();
    for (const s of plan.tlsServers) contexts.set(s, tls.createSecureContext(secureContextOptions(s.tls!)));
    this.contexts = contexts;
    this.matcher = new VhostMatcher(first, rest.length ? plan.tlsServers : []);
    this.defaultOptions = secureContextOptions(first.tls!);
  }

  /** Node's `SNICallback`. */
  readonly select = (servername: string, done: (err: Error | null, ctx?: tls.SecureContext) => void): void => {
    const server = this.matcher.match(servername, this.port, this.host);
    done(null, this.contexts.get(server));
  };
}
