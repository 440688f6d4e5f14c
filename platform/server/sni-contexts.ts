import type * as Tls from "node:tls";
import { lazyModule } from "../lazy-module";
import { secureContextOptions, type CoreServer, type ListenerPlan } from "../core";
import { VhostMatcher } from "./vhost-match";

/** Loaded by the first TLS server: a plain HTTP site never pays for it. */
const tls = lazyModule<typeof Tls>("node:tls");

/**
 * The certificates of one TLS listener, chosen by SNI among its virtual hosts the way requests
 * are (ServerName, ServerAlias, wildcards). `update` swaps in a reloaded configuration's: new
 * handshakes get them, open connections keep theirs.
 */
export class SniContexts {
  private matcher!: VhostMatcher;
  private contexts = new Map<CoreServer, Tls.SecureContext>();
  /** The default server's options, for `setSecureContext` and clients that send no name. */
  defaultOptions!: Tls.SecureContextOptions;

  constructor(
    private readonly port: number,
    private readonly host: string,
    plan: ListenerPlan,
  ) {
    this.update(plan);
  }

  update(plan: ListenerPlan): void {
    const [first, ...rest] = plan.tlsServers;
    const contexts = new Map<CoreServer, Tls.SecureContext>();
    for (const s of plan.tlsServers) contexts.set(s, tls().createSecureContext(secureContextOptions(s.tls!)));
    this.contexts = contexts;
    this.matcher = new VhostMatcher(first, rest.length ? plan.tlsServers : []);
    this.defaultOptions = secureContextOptions(first.tls!);
  }

  /** Node's `SNICallback`. */
  readonly select = (servername: string, done: (err: Error | null, ctx?: Tls.SecureContext) => void): void => {
    const server = this.matcher.match(servername, this.port, this.host);
    done(null, this.contexts.get(server));
  };
}
