/*
 * ProxyPass in front of a WebDAV server (Subversion's mod_dav): every method reaches the
 * backend with a body exactly when the client sent one. The backend here behaves like mod_dav
 * where it matters: a MKCOL carrying a body, or announcing one with Transfer-Encoding, is
 * refused with 415 (so `svn commit` of a new folder failed when tsmod invented a chunked body).
 * Requests are written raw, so no client library adds framing of its own.
 */
import * as crypto from "node:crypto";
import type * as http from "node:http";
import { rawRequest } from "../helpers/raw-http";
import { startSite, type TestSite } from "../helpers/site";
import { startBackend, type Backend } from "./backend";

/** What the DAV backend got: the framing headers as they arrived, and the body's bytes. */
interface Received {
  readonly method: string;
  readonly contentLength: string | undefined;
  readonly transferEncoding: string | undefined;
  readonly body: Buffer;
  /** The proxy's end of the backend connection. */
  readonly port: number | undefined;
}

function davBackend(received: Received[]): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const got: Received = {
        method: req.method ?? "",
        contentLength: req.headers["content-length"],
        transferEncoding: req.headers["transfer-encoding"],
        body: Buffer.concat(chunks),
        port: req.socket.remotePort,
      };
      received.push(got);
      // mod_dav's process_mkcol_body: a chunked or non-empty body is 415.
      if (got.method === "MKCOL" && (got.transferEncoding !== undefined || Number(got.contentLength ?? 0) > 0)) {
        res.writeHead(415, { "Content-Type": "text/plain" });
        return res.end("MKCOL with a body");
      }
      const status = { MKCOL: 201, PROPFIND: 207, PUT: 201, COPY: 201, MOVE: 201, LOCK: 200, POST: 200 }[got.method] ?? 405;
      res.writeHead(status, { "Content-Type": "text/plain" });
      res.end(`${got.method} ${got.body.length}`);
    });
  };
}

const PROPFIND_BODY = `<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:"><D:prop><D:resourcetype/></D:prop></D:propfind>`;
const LOCK_BODY = `<?xml version="1.0" encoding="utf-8"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockinfo>`;

let backend: Backend;
let site: TestSite;
const received: Received[] = [];

beforeAll(async () => {
  backend = await startBackend(davBackend(received));
  site = await startSite(`ServerName dav.test\nProxyPass /svn ${backend.url}/repos\n`);
});
afterAll(async () => {
  await site.close();
  await backend.close();
});
beforeEach(() => {
  received.length = 0;
});

/** One raw request through the proxy; `head` is the request line and headers without Host/Connection. */
async function send(head: string, body: string | Buffer = "") {
  const reply = await rawRequest(site.port, Buffer.concat([Buffer.from(`${head}\r\nHost: dav.test\r\nConnection: close\r\n\r\n`), Buffer.from(body)]));
  expect(received).toHaveLength(1);
  return { reply, got: received[0] };
}

describe("ProxyPass forwards a request body only when the client sent one", () => {
  test.each(["MKCOL /svn/trunk/newdir", "PROPFIND /svn/trunk", "COPY /svn/a", "MOVE /svn/b", "LOCK /svn/c", "POST /svn/d"])(
    "%s without a body: neither Content-Length nor Transfer-Encoding reaches the backend",
    async (target) => {
      const extra = target.startsWith("COPY") || target.startsWith("MOVE") ? "\r\nDestination: http://dav.test/svn/z" : target.startsWith("PROPFIND") ? "\r\nDepth: 1" : "";
      const { reply, got } = await send(`${target} HTTP/1.1${extra}`);
      expect(reply.status).toBe({ MKCOL: 201, PROPFIND: 207, COPY: 201, MOVE: 201, LOCK: 200, POST: 200 }[got.method]);
      expect([got.contentLength, got.transferEncoding, got.body.length]).toEqual([undefined, undefined, 0]);
    },
  );

  test("MKCOL with Content-Length: 0 reaches the backend as Content-Length: 0 and is accepted", async () => {
    const { reply, got } = await send("MKCOL /svn/trunk/empty HTTP/1.1\r\nContent-Length: 0");
    expect(reply.status).toBe(201);
    expect([got.contentLength, got.transferEncoding]).toEqual(["0", undefined]);
  });

  test("a MKCOL that does carry a body is forwarded with it, and the backend's 415 comes back", async () => {
    const { reply, got } = await send("MKCOL /svn/trunk/x HTTP/1.1\r\nContent-Type: text/xml\r\nContent-Length: 5", "<x/>\n");
    expect(reply.status).toBe(415);
    expect([got.contentLength, got.body.toString()]).toEqual(["5", "<x/>\n"]);
  });

  test("PROPFIND and LOCK with an XML body: the body and its Content-Length arrive as sent", async () => {
    for (const [method, body] of [["PROPFIND", PROPFIND_BODY], ["LOCK", LOCK_BODY]]) {
      received.length = 0;
      const { reply, got } = await send(`${method} /svn/trunk HTTP/1.1\r\nContent-Type: text/xml\r\nContent-Length: ${body.length}`, body);
      expect(reply.status).toBe(method === "PROPFIND" ? 207 : 200);
      expect([got.contentLength, got.transferEncoding, got.body.toString()]).toEqual([String(body.length), undefined, body]);
    }
  });

  test("PUT with a body: the same bytes and length", async () => {
    const data = crypto.randomBytes(200_000);
    const { reply, got } = await send(`PUT /svn/trunk/file.bin HTTP/1.1\r\nContent-Length: ${data.length}`, data);
    expect(reply.status).toBe(201);
    expect(got.contentLength).toBe(String(data.length));
    expect(got.body.equals(data)).toBe(true);
  });

  test("a chunked upload stays chunked, without a Content-Length, and arrives intact", async () => {
    const parts = [crypto.randomBytes(1000), crypto.randomBytes(70_000), crypto.randomBytes(3)];
    const chunked = Buffer.concat([...parts.flatMap((p) => [Buffer.from(`${p.length.toString(16)}\r\n`), p, Buffer.from("\r\n")]), Buffer.from("0\r\n\r\n")]);
    const { reply, got } = await send("PUT /svn/trunk/upload.bin HTTP/1.1\r\nTransfer-Encoding: chunked", chunked);
    expect(reply.status).toBe(201);
    expect([got.contentLength, got.transferEncoding]).toEqual([undefined, "chunked"]);
    expect(got.body.equals(Buffer.concat(parts))).toBe(true);
  });

  test("body-less requests in a row share the kept-alive backend connection cleanly", async () => {
    const ports = new Set<number | undefined>();
    for (let i = 0; i < 5; i++) {
      received.length = 0;
      const { reply, got } = await send(`MKCOL /svn/trunk/d${i} HTTP/1.1`);
      expect([reply.status, got.transferEncoding]).toEqual([201, undefined]);
      ports.add(got.port);
    }
    expect(ports.size).toBe(1);
  });
});
