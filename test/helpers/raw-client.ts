import * as net from "node:net";
import { parseRaw, type RawReply } from "./raw-http";

/**
 * A client connection that sends raw bytes and reads the responses one at a time (with a
 * length or chunked), telling a complete response from a connection that ended before one.
 */
export class RawClient {
  readonly sock: net.Socket;
  readonly connected: Promise<void>;
  readonly closed: Promise<void>;
  private data = Buffer.alloc(0);
  private ended = false;
  private error: Error | null = null;
  private wake: () => void = () => undefined;

  constructor(port: number) {
    this.sock = net.connect(port, "127.0.0.1");
    this.connected = new Promise((resolve) => this.sock.once("connect", () => resolve()));
    this.closed = new Promise((resolve) => this.sock.once("close", () => resolve()));
    this.sock.on("data", (d: Buffer) => {
      this.data = Buffer.concat([this.data, d]);
      this.wake();
    });
    this.sock.on("error", (e) => {
      this.error = e;
      this.wake();
    });
    this.sock.on("close", () => {
      this.ended = true;
      this.wake();
    });
  }

  /** The next complete response; rejects when the connection ends before one is complete. */
  async response(): Promise<RawReply> {
    for (;;) {
      const size = completeLength(this.data);
      if (size > 0) {
        const reply = parseRaw(dechunk(this.data.subarray(0, size)));
        this.data = this.data.subarray(size);
        return reply;
      }
      if (this.ended || this.error) throw new Error(`connection ended without a complete response (${this.error?.message ?? "closed"}): ${JSON.stringify(this.data.toString("latin1"))}`);
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** Resolves once the response's headers have arrived. */
  async headers(): Promise<void> {
    while (!this.data.includes("\r\n\r\n")) {
      if (this.ended || this.error) throw new Error("connection ended before the response headers");
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}

/** Bytes of the first complete response in `buf`, or 0. */
function completeLength(buf: Buffer): number {
  const head = buf.indexOf("\r\n\r\n");
  if (head < 0) return 0;
  const headers = buf.subarray(0, head).toString("latin1");
  const length = /\r\ncontent-length: *(\d+)/i.exec(headers);
  if (length) return buf.length >= head + 4 + Number(length[1]) ? head + 4 + Number(length[1]) : 0;
  if (!/\r\ntransfer-encoding: *chunked/i.test(headers)) return head + 4;
  const end = buf.indexOf("\r\n0\r\n\r\n", head);
  return end < 0 ? 0 : end + 7;
}

/** A chunked response as one with its body joined (for `parseRaw`). */
function dechunk(raw: Buffer): Buffer {
  const head = raw.indexOf("\r\n\r\n");
  if (!/\r\ntransfer-encoding: *chunked/i.test(raw.subarray(0, head).toString("latin1"))) return raw;
  const parts: Buffer[] = [];
  let at = head + 4;
  for (;;) {
    const eol = raw.indexOf("\r\n", at);
    const size = parseInt(raw.subarray(at, eol).toString("latin1"), 16);
    if (!size) break;
    parts.push(raw.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat([raw.subarray(0, head + 4), ...parts]);
}
