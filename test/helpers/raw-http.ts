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
