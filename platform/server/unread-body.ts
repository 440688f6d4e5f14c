import type { ServerResponse } from "node:http";
import { APLOG_INFO } from "../constants";
import { bodyDeadline, type Request } from "../request";
import { declaresBody } from "../request";

/**
 * The rest of a request body nobody read, once the response has gone: Node reads and drops it
 * to keep the connection for the next request. It is held to the body's time limit like any
 * read (Apache's `ap_discard_request_body` under mod_reqtimeout): a client still sending when
 * that passes loses the connection, instead of keeping it forever at a byte a second.
 */
export function limitUnreadBody(req: Request, res: ServerResponse): void {
  const raw = req.raw;
  if (raw.complete || !declaresBody(raw.rawHeaders)) return;
  // After Node's own `finish` listener, which starts dropping a body nobody touched.
  if (res.writableFinished) discard(req);
  else res.once("finish", () => discard(req));
}

function discard(req: Request): void {
  const raw = req.raw;
  if (raw.complete || raw.destroyed) return;
  const socket = raw.socket;
  bodyDeadline(req).wait((e) => {
    req.logError(`${e.message} while discarding the body of ${req.uri}; closing the connection`, APLOG_INFO);
    socket.destroy();
  });
  // A body a handler began to read is paused where it stopped.
  raw.resume();
}
