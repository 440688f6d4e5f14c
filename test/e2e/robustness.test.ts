import * as net from "node:net";
import { rawExchange, statusOf } from "../helpers/raw-http";
import { request, startSite, type TestSite } from "../helpers/site";

const files = {
  "app/h.ts": `import { OK, HTTP_UNAUTHORIZED, type Request } from "tsmod";
export async function handler(req: Request): Promise<number> {
  const what = req.args ?? "";
  if (what === "throw") throw new Error("handler failure");
  if (what === "garbage") return "nonsense" as unknown as number;
  if (what === "echo") { await req.write(await req.read()); return OK; }
  if (what === "big") { for (let i = 0; i < 2000; i++) await req.write("x".repeat(16384)); return OK; }
  if (what === "auth") {
    const pw = req.getBasicAuthPw();
    if (req.user !== "u" || pw !== "p") return HTTP_UNAUTHORIZED;
  }
  await req.write("ok");
  return OK;
}
`,
  "htdocs/index.html": "index\n",
};

const config = `ServerName robust.test
DocumentRoot @DIR@/htdocs
Timeout 2
<Location /h>
  SetHandler tsmod
  TsHandler app/h
  LimitRequestBody 1000
</Location>`;

describe("no request crashes the server or leaves a socket hanging", () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await startSite(config, files);
  });
  afterAll(() => site.close());

  afterEach(async () => {
    // After every abuse the server still answers normally.
    const r = await request(site, "/h");
    expect(r.body).toBe("ok");
  });

  const malformed: Array<[string, string, number]> = [
    ["garbage request line", "GARBAGE\r\n\r\n", 400],
    ["header without a colon", "GET / HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n", 400],
    ["control character in a header", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\u0001b\r\n\r\n", 400],
    ["oversized header", `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(70000)}\r\n\r\n`, 431],
    ["bad chunked encoding", "POST /h?echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nhello\r\n0\r\n\r\n", 400],
    ["both Content-Length and chunked", "POST /h?echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 400],
    ["encoded NUL in the path", "GET /h%00x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 400],
    ["malformed percent-escape", "GET /%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 400],
    ["path climbing above the root", "GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 400],
    ["encoded slash", "GET /h%2f..%2f HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 404],
  ];

  test.each(malformed)("%s: an error status and the connection closes", async (_name, payload, status) => {
    const r = await rawExchange(site.port, payload);
    expect(statusOf(r.text)).toBe(status);
    expect(r.closed).toBe(true);
  });

  test.each([
    ["not base64", "Basic !!!***"],
    ["no colon", "Basic " + Buffer.from("justuser").toString("base64")],
    ["another scheme", "Bearer abc.def"],
    ["empty", "Basic "],
    ["huge", "Basic " + "QUFB".repeat(1500)],
  ])("a bad Authorization header (%s) is a 401, not a crash", async (_n, header) => {
    const r = await request(site, "/h?auth", { headers: { Authorization: header } });
    expect(r.status).toBe(401);
  });

  test("a body over LimitRequestBody by Content-Length: 413 before reading, with the reason", async () => {
    const r = await rawExchange(site.port, `POST /h?echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n`);
    expect(statusOf(r.text)).toBe(413);
    expect(r.text).toContain("exceeds LimitRequestBody (1000 bytes)");
    expect(r.closed).toBe(true);
  });

  test("a chunked body over the limit: 413 mid-stream", async () => {
    const chunk = "100\r\n" + "a".repeat(256) + "\r\n";
    const r = await rawExchange(site.port, [`POST /h?echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n`, chunk.repeat(8), "0\r\n\r\n"]);
    expect(statusOf(r.text)).toBe(413);
    expect(r.closed).toBe(true);
  });

  test("a chunked body within the limit is read (mod_python refused chunked bodies)", async () => {
    const r = await rawExchange(site.port, `POST /h?echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n`);
    expect(statusOf(r.text)).toBe(200);
    expect(r.text.endsWith("hello world")).toBe(true);
  });

  test("a body that stops arriving: 408 after Timeout, connection closed", async () => {
    const r = await rawExchange(site.port, `POST /h?echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly part`, 5000);
    expect(statusOf(r.text)).toBe(408);
    expect(r.closed).toBe(true);
  });

  test("a client that aborts mid-body", async () => {
    // The handler is still waiting for the body when the client disappears.
    const r = await rawExchange(site.port, `POST /h?echo HTTP/1.1\r\nHost: x\r\nContent-Length: 900\r\n\r\npartial`, 200);
    expect(r.text).toBe("");
    expect(site.log.some((l) => /unhandled|TypeError/.test(l))).toBe(false);
  });

  test("a client that goes away while a large response is written", async () => {
    const first = await new Promise<string>((resolve) => {
      const sock = net.connect(site.port, "127.0.0.1", () => sock.write(`GET /h?big HTTP/1.1\r\nHost: x\r\n\r\n`));
      sock.once("data", (d) => {
        sock.destroy();
        resolve(d.toString("latin1"));
      });
    });
    expect(first).toMatch(/^HTTP\/1\.1 200/);
  });

  test("a handler that throws or returns garbage: 500, and the next request is fine", async () => {
    expect((await request(site, "/h?throw")).status).toBe(500);
    expect((await request(site, "/h?garbage")).status).toBe(500);
  });

  test("HEAD gets headers only", async () => {
    const r = await rawExchange(site.port, "HEAD /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect(statusOf(r.text)).toBe(200);
    expect(r.text).toContain("Content-Length: 6");
    expect(r.text.endsWith("\r\n\r\n")).toBe(true);
  });

  test("pipelined requests on one connection are answered in order", async () => {
    const r = await rawExchange(site.port, "GET /h HTTP/1.1\r\nHost: x\r\n\r\nGET /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect(r.text.match(/HTTP\/1\.1 200/g)).toHaveLength(2);
    expect(r.text.indexOf("ok")).toBeLessThan(r.text.indexOf("index\n"));
  });

  test("a fault inside tsmod's own request handling closes that connection only, and the server serves on", async () => {
    const site2 = site.server.site;
    const original = site2.handle;
    site2.handle = () => {
      throw new Error("internal fault");
    };
    try {
      await expect(request(site, "/h")).rejects.toThrow();
    } finally {
      site2.handle = original;
    }
    expect((await request(site, "/h")).body).toBe("ok");
  });
});
