/*
 * Request limits and timeouts: LimitRequestBody (declared and chunked), LimitRequestFields,
 * LimitRequestFieldSize, LimitRequestLine, RequestReadTimeout and Timeout against slow clients
 * (slowloris headers, silent connections, stalled bodies) and KeepAliveTimeout. Written on raw
 * sockets to control every byte.
 */
import * as net from "node:net";
import { parseRaw, rawRequest } from "../helpers/raw-http";
import { request, startSite, type TestSite } from "../helpers/site";

const config = `
DocumentRoot @DIR@/htdocs
Timeout 1
RequestReadTimeout header=1,MinRate=500
KeepAliveTimeout 300ms
LimitRequestFields 8
LimitRequestFieldSize 200
LimitRequestLine 300
<Location /echo>
  SetHandler tsmod
  TsHandler echo
  LimitRequestBody 1000
</Location>
<Location /form>
  SetHandler tsmod
  TsHandler form
  LimitRequestBody 1000
</Location>
<Location /unlimited>
  SetHandler tsmod
  TsHandler echo
  LimitRequestBody 0
</Location>
<Location /unlimited-form>
  SetHandler tsmod
  TsHandler form
  LimitRequestBody 0
</Location>
`;

let site: TestSite;

beforeAll(async () => {
  site = await startSite(config, {
    "htdocs/page.txt": "page",
    "echo.ts": `import { OK, type Request } from "tsmod";
export async function handler(req: Request) {
  const body = await req.read();
  await req.write("got " + body.length + ": " + body.toString("latin1").slice(0, 16));
  return OK;
}`,
    "form.ts": `import { OK, type Request } from "tsmod";
export async function handler(req: Request) {
  const form = await req.form();
  await req.write(form.list.map((e) => ("filename" in e ? e.name : e.name + ":" + e.value.length)).join(","));
  return OK;
}`,
  });
});

afterAll(() => site.close());

const head = (lines: string[]) => lines.join("\r\n") + "\r\n\r\n";

describe("LimitRequestBody", () => {
  test("a declared Content-Length over the limit is refused with 413 before any body is sent", async () => {
    const r = await rawRequest(site.port, head(["POST /echo HTTP/1.1", "Host: x", "Content-Length: 5000"]));
    expect(r.status).toBe(413);
    expect(r.text).toContain("exceeds LimitRequestBody (1000 bytes)");
    expect(r.headers.connection).toBe("close");
  });

  test("a chunked body is read; one growing past the limit is cut off with 413", async () => {
    const chunk = (s: string) => `${Buffer.byteLength(s).toString(16)}\r\n${s}\r\n`;
    const ok = await rawRequest(site.port, head(["POST /echo HTTP/1.1", "Host: x", "Transfer-Encoding: chunked", "Connection: close"]).slice(0, -2) + "\r\n" + chunk("hello ") + chunk("chunked world") + "0\r\n\r\n");
    expect([ok.status, ok.body.toString()]).toEqual([200, "got 19: hello chunked wo"]);
    const big = "x".repeat(600);
    const r = await rawRequest(site.port, head(["POST /echo HTTP/1.1", "Host: x", "Transfer-Encoding: chunked"]) + chunk(big) + chunk(big) + chunk(big) + "0\r\n\r\n");
    expect(r.status).toBe(413);
  });

  test("within the limit, a Content-Length body is echoed", async () => {
    const r = await request(site, "/echo", { body: "small body" });
    expect(r.body).toBe("got 10: small body");
  });

  const chunked = (body: string, size: number) => {
    let out = "";
    for (let i = 0; i < body.length; i += size) out += `${Math.min(size, body.length - i).toString(16)}\r\n${body.slice(i, i + size)}\r\n`;
    return out + "0\r\n\r\n";
  };
  const post = (target: string, framing: string) => head([`POST ${target} HTTP/1.1`, "Host: x", "Content-Type: application/x-www-form-urlencoded", framing, "Connection: close"]);

  describe.each([
    ["req.read()", "/echo", "/unlimited", (n: number) => `got ${n}: a=${"a".repeat(14)}`],
    ["req.form()", "/form", "/unlimited-form", (n: number) => `a:${n - 2}`],
  ])("%s at the limit", (_reader, target, unlimited, answer) => {
    const body = (n: number) => "a=".padEnd(n, "a");

    test("a Content-Length body of exactly LimitRequestBody bytes is read", async () => {
      const r = await rawRequest(site.port, post(target, "Content-Length: 1000") + body(1000));
      expect([r.status, r.body.toString()]).toEqual([200, answer(1000)]);
    });

    test("a declared Content-Length one byte over is refused before any body is read", async () => {
      const r = await rawRequest(site.port, post(target, "Content-Length: 1001"));
      expect(r.status).toBe(413);
      expect(r.text).toContain("The request body (1001 bytes) exceeds LimitRequestBody (1000 bytes).");
    });

    test.each([1, 7, 1000])("a chunked body of exactly LimitRequestBody bytes (%i-byte chunks) is read", async (size) => {
      const r = await rawRequest(site.port, post(target, "Transfer-Encoding: chunked") + chunked(body(1000), size));
      expect([r.status, r.body.toString()]).toEqual([200, answer(1000)]);
    });

    test.each([7, 1001])("a chunked body one byte over (%i-byte chunks) is refused with 413", async (size) => {
      const r = await rawRequest(site.port, post(target, "Transfer-Encoding: chunked") + chunked(body(1001), size));
      expect(r.status).toBe(413);
    });

    test("LimitRequestBody 0 is no limit, for Content-Length and chunked bodies", async () => {
      const withLength = await rawRequest(site.port, post(unlimited, "Content-Length: 5000") + body(5000));
      expect([withLength.status, withLength.body.toString()]).toEqual([200, answer(5000)]);
      const withChunks = await rawRequest(site.port, post(unlimited, "Transfer-Encoding: chunked") + chunked(body(5000), 1000));
      expect([withChunks.status, withChunks.body.toString()]).toEqual([200, answer(5000)]);
    });
  });

  test("a form POST with Content-Length: 0 has no body to parse: its query string is the form", async () => {
    const r = await rawRequest(site.port, head(["POST /form?q=1 HTTP/1.1", "Host: x", "Content-Type: multipart/form-data; boundary=B", "Content-Length: 0", "Connection: close"]));
    expect([r.status, r.body.toString()]).toEqual([200, "q:1"]);
  });
});

describe("header limits", () => {
  test("more header fields than LimitRequestFields → 431 with the reason", async () => {
    const extra = Array.from({ length: 8 }, (_, i) => `X-H${i}: v`);
    const r = await rawRequest(site.port, head(["GET /page.txt HTTP/1.1", "Host: x", "Connection: close", ...extra]));
    expect(r.status).toBe(431);
    expect(r.text).toContain("The request has 10 header fields; LimitRequestFields allows 8.");
  });

  test("exactly LimitRequestFields fields are fine", async () => {
    const extra = Array.from({ length: 6 }, (_, i) => `X-H${i}: v`);
    const r = await rawRequest(site.port, head(["GET /page.txt HTTP/1.1", "Host: x", "Connection: close", ...extra]));
    expect([r.status, r.body.toString()]).toEqual([200, "page"]);
  });

  test("one header line longer than LimitRequestFieldSize → 431 naming the field", async () => {
    const r = await rawRequest(site.port, head(["GET /page.txt HTTP/1.1", "Host: x", "Connection: close", `X-Long: ${"a".repeat(250)}`]));
    expect(r.status).toBe(431);
    expect(r.text).toContain("The request header field X-Long (258 bytes) exceeds LimitRequestFieldSize (200 bytes).");
  });

  test("headers larger than the parser allows at all → 431", async () => {
    const r = await rawRequest(site.port, head(["GET /page.txt HTTP/1.1", "Host: x", `X-Huge: ${"a".repeat(40_000)}`]));
    expect(r.status).toBe(431);
  });

  test("a request line longer than LimitRequestLine → 414; far longer (parser limit) → 414 too", async () => {
    const r = await rawRequest(site.port, head([`GET /${"p".repeat(300)} HTTP/1.1`, "Host: x", "Connection: close"]));
    expect(r.status).toBe(414);
    expect(r.text).toContain("exceeds LimitRequestLine (300 bytes)");
    const huge = await rawRequest(site.port, head([`GET /${"p".repeat(60_000)} HTTP/1.1`, "Host: x"]));
    expect(huge.status).toBe(414);
  });
});

describe("Timeout", () => {
  test("slowloris: headers trickled byte by byte are cut off by RequestReadTimeout's header stage", async () => {
    const started = Date.now();
    const socket = net.connect(site.port, "127.0.0.1");
    const received: Buffer[] = [];
    socket.on("data", (c) => received.push(c));
    socket.on("error", () => undefined);
    await new Promise((r) => socket.once("connect", r));
    socket.write("GET /page.txt HTTP/1.1\r\nHost: x\r\n");
    const trickle = "X-Slow: " + "a".repeat(200);
    let i = 0;
    const timer = setInterval(() => {
      if (!socket.destroyed && i < trickle.length) socket.write(trickle[i++]);
    }, 50);
    await new Promise((r) => socket.once("close", r));
    clearInterval(timer);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(2500);
    expect(i).toBeLessThan(trickle.length);
    expect(parseRaw(Buffer.concat(received)).status).toBe(408);
  });

  test("a client that connects and sends nothing is dropped after Timeout", async () => {
    const started = Date.now();
    const socket = net.connect(site.port, "127.0.0.1");
    socket.on("error", () => undefined);
    socket.resume();
    await new Promise((r) => socket.once("close", r));
    expect(Date.now() - started).toBeLessThan(2500);
  });

  test("a body that stops arriving answers 408 after Timeout", async () => {
    const started = Date.now();
    const r = await rawRequest(site.port, head(["POST /echo HTTP/1.1", "Host: x", "Content-Length: 100"]) + "only ten b");
    expect(r.status).toBe(408);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  test("a chunked body that stalls answers 408 too", async () => {
    const r = await rawRequest(site.port, head(["POST /echo HTTP/1.1", "Host: x", "Transfer-Encoding: chunked"]) + "5\r\nhello\r\n");
    expect(r.status).toBe(408);
  });
});

describe("KeepAliveTimeout", () => {
  test("an idle keep-alive connection serves a second request in time, then is closed", async () => {
    const socket = net.connect(site.port, "127.0.0.1");
    let text = "";
    socket.on("data", (c) => (text += c.toString("latin1")));
    await new Promise((r) => socket.once("connect", r));
    const req = "GET /page.txt HTTP/1.1\r\nHost: x\r\n\r\n";
    socket.write(req);
    await new Promise((r) => setTimeout(r, 100));
    socket.write(req);
    await new Promise((r) => setTimeout(r, 100));
    expect(text.match(/HTTP\/1\.1 200 OK/g)?.length).toBe(2);
    const idleFrom = Date.now();
    await new Promise((r) => socket.once("close", r));
    const idle = Date.now() - idleFrom;
    expect(idle).toBeGreaterThanOrEqual(150);
    expect(idle).toBeLessThan(1500);
  });
});
