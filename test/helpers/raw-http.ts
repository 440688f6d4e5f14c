import * as net from "node:net";

/**
 * Sends raw bytes and collects everything the server answers until it closes the connection
 * (or `waitMs` passes: then `closed` is false — a hanging socket).
 */
export function rawExchange(port: number, payload: string | Buffer | Array<string | Buffer>, waitMs = 3000): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const sock = net.connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (closed: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      resolve({ text: Buffer.concat(chunks).toString("latin1"), closed });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    sock.on("data", (d) => chunks.push(d));
    sock.on("close", () => finish(true));
    sock.on("error", () => finish(true));
    sock.on("connect", () => {
      for (const p of Array.isArray(payload) ? payload : [payload]) sock.write(p);
    });
  });
}

/** The status code of the first response in a raw answer. */
export function statusOf(text: string): number {
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  return m ? Number(m[1]) : 0;
}

export interface RawReply {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  /** Everything the server sent, as latin-1 text. */
  readonly text: string;
}

/**
 * Sends bytes exactly as given (no client-side path normalisation) and parses the answer;
 * the request should ask for `Connection: close`. A server that never closes is a failure.
 */
export async function rawRequest(port: number, data: string | Buffer, timeoutMs = 5000): Promise<RawReply> {
  const { text, closed } = await rawExchange(port, data, timeoutMs);
  if (!closed) throw new Error(`no complete answer within ${timeoutMs} ms`);
  return parseRaw(Buffer.from(text, "latin1"));
}

/** A GET for `target` written verbatim. */
export function rawGet(port: number, target: string, extraHeaders = ""): Promise<RawReply> {
  return rawRequest(port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${extraHeaders}Connection: close\r\n\r\n`);
}

/** Splits one raw HTTP/1.1 response into status, headers (lower-case names) and body. */
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
  return { status: statusOf(statusLine), headers, body: end < 0 ? Buffer.alloc(0) : all.subarray(end + 4), text };
}
