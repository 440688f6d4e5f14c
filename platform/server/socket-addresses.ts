import type { Socket } from "node:net";
import type { ConnectionInfo } from "../request";

/** The two ends of a connection, as Apache's conn_rec holds them. */
export type SocketAddresses = Pick<ConnectionInfo, "remoteIp" | "remotePort" | "localIp" | "localPort">;

const known = new WeakMap<Socket, SocketAddresses>();

/**
 * The addresses of the connection a request came on, read once per connection: Node's
 * address getters cost a few hundred nanoseconds per request together, and a keep-alive
 * connection carries many requests. Read at its first request, while it is surely open, so log
 * handlers that run after a client hung up still see them.
 */
export function socketAddresses(socket: Socket): SocketAddresses {
  let addresses = known.get(socket);
  if (addresses === undefined) {
    addresses = {
      remoteIp: socket.remoteAddress ?? "",
      remotePort: socket.remotePort ?? 0,
      localIp: socket.localAddress ?? "",
      localPort: socket.localPort ?? 0,
    };
    known.set(socket, addresses);
  }
  return addresses;
}

/** Whether a request has come on this connection (its addresses were read for it). */
export function hadRequest(socket: Socket): boolean {
  return known.has(socket);
}
