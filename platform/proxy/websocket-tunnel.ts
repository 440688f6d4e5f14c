import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { APLOG_INFO } from "../constants";
import type { Request } from "../request";
import type { ProxyReverseRule } from "./directives";
import { copyResponseHeaders } from "./forward-headers";

export interface UpgradeAnswer {
  readonly response: IncomingMessage;
  readonly socket: Duplex;
  readonly head: Buffer;
}

/**
 * The backend switched protocols (101, e.g. to WebSocket): the 101 goes to the client through
 * the request's output (so headers from earlier phases apply as to any response), then bytes
 * flow both ways untouched until either side closes or nothing moves for `idleMs`.
 * Resolves when the tunnel is closed, so the log phase sees its end, as Apache's does.
 */
export async function tunnel(req: Request, answer: UpgradeAnswer, reverse: ReadonlyMap<string, ProxyReverseRule>, idleMs: number): Promise<void> {
  const { response, head } = answer;
  // Node hands the upgraded connection over as a Duplex; over TCP it is always a Socket.
  const backend = answer.socket as Socket;
  const client = req.raw.socket;
  const output = req._state.output;
  req.status = 101;
  copyResponseHeaders(req, response.rawHeaders, reverse);
  req.headersOut.set("Connection", "Upgrade");
  req.headersOut.set("Upgrade", response.headers.upgrade ?? "");
  output.startStreaming(0);
  await output.flush();
  await new Promise<void>((resolve) => {
    let open = true;
    const close = () => {
      if (!open) return;
      open = false;
      client.destroy();
      backend.destroy();
      resolve();
    };
    for (const s of [client, backend]) {
      s.once("close", close);
      s.on("error", (e: Error) => {
        req.logError(`${req.uri}: proxy tunnel: ${e.message}`, APLOG_INFO);
        close();
      });
    }
    client.setTimeout(0);
    backend.setTimeout(idleMs, () => {
      req.logError(`${req.uri}: proxy tunnel idle for ProxyTimeout (${idleMs / 1000} s); closed`, APLOG_INFO);
      close();
    });
    if (head.length) client.write(head);
    backend.pipe(client);
    client.pipe(backend);
  });
  // The response object is done with: make the output's completion a no-op on it.
  req.rawResponse.destroy();
}
