import type { ServerResponse } from "node:http";
import type { Socket } from "node:net";

/** Node's server keeps the response that owns a connection in `_httpMessage` (untyped). */
type OwnedSocket = Socket & { _httpMessage?: ServerResponse | null };

/**
 * Whether a response to an earlier request still owns `socket`: a client pipelined requests
 * and then one with `Upgrade`, which Node hands over while those are being answered.
 */
export function socketBusy(socket: Socket): boolean {
  return Boolean((socket as OwnedSocket)._httpMessage);
}

/**
 * Calls `then` once every response queued on `socket` has finished, or never when the
 * connection closes first. Node assigns the next queued response in its own `finish`
 * listener, which runs before this one, so each step sees the next owner.
 */
export function whenSocketFree(socket: Socket, then: () => void): void {
  const owner = (socket as OwnedSocket)._httpMessage;
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
