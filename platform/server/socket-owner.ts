import type { ServerResponse } from "node:http";
import type { Socket } from "node:net";

/** Node's server keeps the response that owns a connection in `_httpMessage` (untyped). */
type OwnedSocket = Socket & { _httpMessage?: ServerResponse | null };

/**
 * The response now being written on `socket`, or null between requests. Responses to
 * pipelined requests wait in Node's queue behind it: a client that pipelined requests and
 * then sent a malformed one, or one with `Upgrade`, is heard while those are being answered.
 */
export function socketOwner(socket: Socket): ServerResponse | null {
  return (socket as OwnedSocket)._httpMessage ?? null;
}

/**
 * Calls `then` once every response queued on `socket` has finished, or never when the
 * connection closes first. Node assigns the next queued response in its own `finish`
 * listener, which runs before this one, so each step sees the next owner.
 */
export function whenSocketFree(socket: Socket, then: () => void): void {
  const owner = socketOwner(socket);
  if (socket.destroyed) return;
  if (!owner) return then();
  const next = () => {
    socket.off("close", gone);
    whenSocketFree(socket, then);
  };
  const gone = () => owner.off("finish", next);
  owner.once("finish", next);
  socket.once("close", gone);
}
