import { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { Duplex } from "node:stream";

const HEAD_END = Buffer.from("\r\n\r\n");

/**
 * The response side of a sub-request (mod_include's `include virtual`): a ServerResponse on a
 * stand-in socket that takes the HTTP/1.0 response Node writes, drops its head and hands the
 * body on as it comes, with backpressure. The head is HTTP/1.0 without keep-alive, so the body
 * is never chunked and ends with the response.
 */
export class SubResponse {
  readonly res: ServerResponse;
  /** Resolves once the whole response has been written and handed on. */
  readonly done: Promise<void>;
  private head: Buffer | null = Buffer.alloc(0);

  constructor(write: (body: Buffer) => Promise<void>) {
    let finished!: () => void;
    let failed!: (e: Error) => void;
    this.done = new Promise((resolve, reject) => ((finished = resolve), (failed = reject)));
    const socket = new Duplex({
      read() {},
      write: (chunk: Buffer, _enc, callback) => {
        const body = this.body(chunk);
        if (body.length === 0) return callback();
        write(body).then(() => callback(), (e: Error) => callback(e));
      },
      final(callback) {
        callback();
        finished();
      },
    });
    socket.on("error", failed);
    const raw = new IncomingMessage(socket as unknown as Socket);
    raw.httpVersionMajor = 1;
    raw.httpVersionMinor = 0;
    raw.httpVersion = "1.0";
    this.res = new ServerResponse(raw);
    this.res.shouldKeepAlive = false;
    this.res.assignSocket(socket as unknown as Socket);
    this.res.once("finish", () => socket.end());
  }

  /** The part of `chunk` past the response head. */
  private body(chunk: Buffer): Buffer {
    if (this.head === null) return chunk;
    const all = Buffer.concat([this.head, chunk]);
    const end = all.indexOf(HEAD_END);
    if (end < 0) {
      this.head = all;
      return Buffer.alloc(0);
    }
    this.head = null;
    return all.subarray(end + HEAD_END.length);
  }
}
