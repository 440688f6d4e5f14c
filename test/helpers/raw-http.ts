import * as net from "node:net";

export interface RawReply {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  /** Everything the server sent, as latin-1 text. */
  readonly text: string;
}

/**
 * Sends bytes exactly as given (no client-side path normalisation) and reads until the server
 * closes; the request should ask for `Connection: close`.
 */
export function rawRequest(port: number, data: string | Buffer, timeoutMs = 5000): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write(data));
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error("no complete answer in time"));
    }, timeoutMs);
    socket.on("data", (c) => chunks.push(c));
    socket.on("error", reject);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(parseRaw(Buffer.concat(chunks)));
    });
  });
}

/** A GET for `target` written verbatim. */
export function rawGet(port: number, target: string, extraHeaders = ""): Promise<RawReply> {
  return rawRequest(port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${extraHeaders}Connection: close\r\n\r\n`);
}

export function parseRaw(all: Buffer): RawReply {
  const text = all.toString("latin1");
  const end = text.indexOf("\r\n\r\n");
  const head = end < 0 ? text : text.slice(0, end);
  const [statusLine, ...lines] = head.split("\r\n");
  const headers: Record<string, string> = {};
  for (const l of lines) {
    const colon = l.indexOf(":");
    if (colon > 0) headers[l.slice(0, colon).toLowerCase()] = l.slice(colon + 1).trim();
  }
  const status = Number(/^HTTP\/1\.\d (\d{3})/.exec(statusLine)?.[1] ?? 0);
  return { status, headers, body: end < 0 ? Buffer.alloc(0) : all.subarray(end + 4), text };
}
