import * as crypto from "node:crypto";
import * as http from "node:http";
import * as net from "node:net";
import type { Duplex } from "node:stream";

/** One request as the backend saw it. */
export interface Hit {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly rawHeaders: string[];
}

export interface Backend {
  readonly port: number;
  readonly url: string;
  readonly hits: Hit[];
  /** WebSocket upgrades the backend accepted. */
  readonly upgrades: Hit[];
  close(): Promise<void>;
}

export type BackendHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** A small node:http backend on a free port that records every request it gets. */
export async function startBackend(handler: BackendHandler): Promise<Backend> {
  const hits: Hit[] = [];
  const upgrades: Hit[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    hits.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, rawHeaders: req.rawHeaders });
    handler(req, res);
  });
  server.on("connection", (s: net.Socket) => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
  });
  server.on("upgrade", (req: http.IncomingMessage, socket: Duplex) => {
    upgrades.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, rawHeaders: req.rawHeaders });
    socket.on("error", () => socket.destroy());
    socket.write(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        `Sec-WebSocket-Accept: ${acceptKey(String(req.headers["sec-websocket-key"]))}\r\n\r\n`,
    );
    echoFrames(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    hits,
    upgrades,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (bound, then released). */
export async function deadPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

// ---- a minimal WebSocket (RFC 6455): handshake and single-frame text messages ----------

export function acceptKey(key: string): string {
  return crypto.createHash("sha1").update(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");
}

/** One final text frame; clients must mask (RFC 6455 5.3), servers must not. */
export function encodeFrame(text: string, masked: boolean): Buffer {
  const payload = Buffer.from(text);
  if (payload.length > 125) throw new Error("test frames are short");
  const mask = masked ? crypto.randomBytes(4) : null;
  const head = Buffer.from([0x81, (mask ? 0x80 : 0) | payload.length]);
  if (!mask) return Buffer.concat([head, payload]);
  return Buffer.concat([head, mask, payload.map((b, i) => b ^ mask[i % 4])]);
}

/** Decodes one short frame at the start of `buf`, or null when it is not complete yet. */
export function decodeFrame(buf: Buffer): { text: string; size: number } | null {
  if (buf.length < 2) return null;
  const len = buf[1] & 0x7f;
  const masked = (buf[1] & 0x80) !== 0;
  const start = 2 + (masked ? 4 : 0);
  if (buf.length < start + len) return null;
  const mask = masked ? buf.subarray(2, 6) : null;
  const payload = buf.subarray(start, start + len).map((b, i) => (mask ? b ^ mask[i % 4] : b));
  return { text: Buffer.from(payload).toString(), size: start + len };
}

/** The backend side: answers every text frame with `echo: <text>`. */
function echoFrames(socket: Duplex): void {
  let pending = Buffer.alloc(0);
  socket.on("data", (d: Buffer) => {
    pending = Buffer.concat([pending, d]);
    for (let f = decodeFrame(pending); f; f = decodeFrame(pending)) {
      pending = pending.subarray(f.size);
      socket.write(encodeFrame(`echo: ${f.text}`, false));
    }
  });
}

export interface WsResult {
  /** The status line and headers of the handshake answer. */
  readonly head: string;
  readonly status: number;
  /** The echoed message, when the handshake succeeded. */
  readonly reply: string | null;
}

/** Opens a WebSocket to `port` + `path`, sends `message` once switched, and reads one frame. */
export function websocketRoundTrip(port: number, path: string, message: string, headers: Record<string, string> = {}, waitMs = 3000): Promise<WsResult> {
  return new Promise((resolve, reject) => {
    const key = crypto.randomBytes(16).toString("base64");
    const sock = net.connect(port, "127.0.0.1");
    let buf = Buffer.alloc(0);
    let head: string | null = null;
    const timer = setTimeout(() => finish(new Error(`no WebSocket answer in ${waitMs} ms: ${buf.toString("latin1")}`)), waitMs);
    const finish = (err: Error | null, reply: string | null = null) => {
      clearTimeout(timer);
      sock.destroy();
      if (err) return reject(err);
      resolve({ head: head ?? "", status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head ?? "")?.[1] ?? 0), reply });
    };
    sock.on("error", (e) => finish(e));
    sock.on("connect", () => {
      const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("");
      sock.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`,
      );
    });
    sock.on("data", (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (head === null) {
        const end = buf.indexOf("\r\n\r\n");
        if (end < 0) return;
        head = buf.subarray(0, end).toString("latin1");
        buf = buf.subarray(end + 4);
        if (!head.startsWith("HTTP/1.1 101")) return; // read the error body until close
        if (!head.includes(`Sec-WebSocket-Accept: ${acceptKey(key)}`)) return finish(new Error(`bad handshake: ${head}`));
        sock.write(encodeFrame(message, true));
      }
      if (head.startsWith("HTTP/1.1 101")) {
        const frame = decodeFrame(buf);
        if (frame) finish(null, frame.text);
      }
    });
    sock.on("close", () => finish(null));
  });
}
