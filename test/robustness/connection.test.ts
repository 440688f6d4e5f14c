/*
 * Issue 17: nothing a client or a handler does takes the server down or leaves a connection
 * hanging. Each case replays an attack or a handler fault on real sockets against a real
 * server, then checks that the server still answers normal requests.
 */
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { startBackend, type Backend } from "../proxy/backend";
import { rawExchange, statusOf } from "../helpers/raw-http";
import { request, startSite, waitFor, type TestSite } from "../helpers/site";

const files = {
  "htdocs/hello.txt": "hello\n",
  "app/bad.ts": `import { OK, redirect, type Request } from "tsmod";
export async function handler(req: Request): Promise<number> {
  const what = req.args ?? "";
  if (what === "crlf") req.headersOut.set("X-Bad", "a\\r\\nInjected: yes");
  if (what === "nul") req.headersOut.set("X-Bad", "a\\u0000b");
  if (what === "wide") req.headersOut.set("X-Bad", "price \\u20ac");
  if (what === "name") req.headersOut.set("Bad Name", "v");
  if (what === "cookie") req.errHeadersOut.set("Set-Cookie", "a=\\nb");
  if (what === "type") req.contentType = "text/html\\r\\nX: y";
  if (what === "status-line") req.statusLine = "200 OK\\r\\nX: y";
  if (what === "redirect") await redirect(req, "/next\\r\\nSet-Cookie: evil=1");
  if (what === "after-write") {
    req.headersOut.set("X-Bad", "a\\nb");
    await req.write("x".repeat(70000));
  }
  if (what === "swallowed") {
    req.headersOut.set("X-Bad", "a\\nb");
    await req.flush().catch(() => undefined);
  }
  if (what === "env") req.subprocessEnv.set("BAD", "a\\nb");
  await req.write("body");
  return OK;
}
`,
  "app/go.ts": `import { redirect, type Request } from "tsmod";
export async function handler(req: Request): Promise<number> {
  return redirect(req, decodeURIComponent(req.args ?? ""));
}
`,
  "app/echo.ts": `import { OK, type Request } from "tsmod";
export async function handler(req: Request): Promise<number> {
  const body = await req.read();
  await req.write("got " + body.length);
  return OK;
}
`,
  "app/form.ts": `import { OK, type Request } from "tsmod";
export async function handler(req: Request): Promise<number> {
  const form = await req.form();
  await req.write("fields " + form.keys().length);
  return OK;
}
`,
  "app/slow.ts": `import { OK, type Request } from "tsmod";
export async function handler(req: Request): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 200));
  await req.write("slow");
  return OK;
}
`,
  "app/note.ts": `import { OK, type Request } from "tsmod";
export async function handler(req: Request): Promise<number> {
  req.logError("note " + req.uri + " from the handler \\u001b[2J");
  await req.write("noted");
  return OK;
}
`,
};

const config = (backend: Backend) => `ServerName robust.test
DocumentRoot @DIR@/htdocs
Timeout 2
RequestReadTimeout header=1-4,MinRate=200 body=1,MinRate=200
LogFormat "%a %>s \\"%r\\"" short
CustomLog @DIR@/access.log short
ProxyPass /proxied ${backend.url}/
<Location /echo>
  SetHandler tsmod
  TsHandler app/echo
</Location>
<Location /form>
  SetHandler tsmod
  TsHandler app/form
</Location>
<Location /slow>
  SetHandler tsmod
  TsHandler app/slow
</Location>
<Location /bad>
  SetHandler tsmod
  TsHandler app/bad
</Location>
Redirect /old /new
<Location /go>
  SetHandler tsmod
  TsHandler app/go
</Location>
<Location /note>
  SetHandler tsmod
  TsHandler app/note
</Location>
<Location /bad-rule>
  SetHandler tsmod
  TsHandler app/bad
  Header always set X-From-Env "%{BAD}e"
</Location>
`;

let site: TestSite;
let backend: Backend;
beforeAll(async () => {
  backend = await startBackend((req, res) => {
    let length = 0;
    req.on("data", (c: Buffer) => (length += c.length));
    req.on("end", () => res.end(`backend got ${length}`));
  });
  site = await startSite(config(backend), files);
});
afterAll(async () => {
  await site.close();
  await backend.close();
});

afterEach(async () => {
  const r = await request(site, "/hello.txt");
  expect([r.status, r.body]).toEqual([200, "hello\n"]);
});

/** The statuses of every response in a raw answer, in order (a body need not end in a newline). */
function statuses(text: string): number[] {
  return [...text.matchAll(/HTTP\/1\.1 (\d{3}) [A-Z]/g)].map((m) => Number(m[1]));
}

describe("a pipelined request followed by an Upgrade in one packet", () => {
  test("the first request is answered, the upgrade gets a 400, the connection closes", async () => {
    const r = await rawExchange(
      site.port,
      "GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
    );
    expect(statuses(r.text)).toEqual([200, 400]);
    expect(r.text).toContain("hello\n");
    expect(r.text).toContain("must not be pipelined");
    expect(r.closed).toBe(true);
  });

  test("the first request is answered even when its handler takes a while", async () => {
    const r = await rawExchange(site.port, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
    expect(statuses(r.text)).toEqual([200, 400]);
    expect(r.text).toContain("slow");
    expect(r.closed).toBe(true);
  });

  test("a malformed request pipelined behind one being answered waits for its answer, then gets a 400", async () => {
    const r = await rawExchange(site.port, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGARBAGE\r\n\r\n");
    expect(statuses(r.text)).toEqual([200, 400]);
    expect(r.text).toContain("slow");
    expect(r.closed).toBe(true);
  });

  test("behind two pipelined requests as well", async () => {
    const get = "GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n";
    const r = await rawExchange(site.port, get + get + "GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
    expect(statuses(r.text)).toEqual([200, 200, 400]);
    expect(r.closed).toBe(true);
    expect(statusOf(r.text)).toBe(200);
  });
});

describe("a handler that sets what HTTP cannot carry", () => {
  test.each([
    ["crlf", "Response header 'X-Bad' value of 'a\\r"],
    ["nul", "Response header 'X-Bad' value of 'a\\x00b' contains invalid characters, aborting request"],
    ["wide", "Response header 'X-Bad' value of 'price \u20ac' contains invalid characters, aborting request"],
    ["name", "Response header name 'Bad Name' contains invalid characters, aborting request"],
    ["cookie", "Response header 'Set-Cookie' value of 'a="],
    ["type", "Response header 'Content-Type' value of 'text/html\\r"],
    ["status-line", "Response status line '200 OK\\r"],
    ["redirect", "Response header 'Location' value of '/next\\r"],
    ["after-write", "Response header 'X-Bad' value of 'a"],
    ["swallowed", "Response header 'X-Bad' value of 'a"],
  ])("%s: a 500, the header named in the error log, the connection closed", async (what, logged) => {
    const before = site.log.length;
    const r = await rawExchange(site.port, `GET /bad?${what} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(statusOf(r.text)).toBe(500);
    expect(r.text).toMatch(/\r\nConnection: close\r\n/i);
    expect(r.text).not.toMatch(/Injected|evil=1|\r\nX: y/);
    expect(r.closed).toBe(true);
    const lines = site.log.slice(before).join("").split("\n");
    expect(lines.some((l) => l.includes(logged))).toBe(true);
    expect(lines.filter((l) => /[\x00-\x1f\x7f]/.test(l))).toEqual([]);
  });

  test("an error response whose own head is refused (a Header rule) gets a bare 500", async () => {
    const r = await rawExchange(site.port, "GET /bad-rule?env HTTP/1.1\r\nHost: x\r\n\r\n");
    expect(statusOf(r.text)).toBe(500);
    expect(r.text).not.toContain("X-From-Env");
    expect(r.closed).toBe(true);
  });
});

describe("the error log", () => {
  test("control characters from the client and the handler are escaped (\\x1b)", async () => {
    const before = site.log.length;
    const r = await rawExchange(site.port, "GET /note/%1b]0;owned%07/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect(statusOf(r.text)).toBe(200);
    const line = site.log.slice(before).join("");
    expect(line).toContain("note /note/\\x1b]0;owned\\x07/x from the handler \\x1b[2J");
    expect(line).not.toMatch(/[\x00-\x09\x0b-\x1f]/);
  });
});

describe("Locations never leave the site by accident", () => {
  test.each([
    ["//evil.example/x", "/evil.example/x"],
    ["///evil.example", "/evil.example"],
    ["/\\evil.example", "/evil.example"],
    ["\\\\evil.example", "/evil.example"],
    [" //evil.example", "/evil.example"],
    ["/\t/evil.example", "/evil.example"],
    ["/local/page?x=1", "/local/page?x=1"],
    ["https://other.example/", "https://other.example/"],
  ])("redirect(req, %j) sends Location %j", async (target, location) => {
    const r = await request(site, `/go?${encodeURIComponent(target)}`);
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe(location);
  });

  test("a Host that would bend a Redirect's Location is a 400", async () => {
    const r = await rawExchange(site.port, "GET /old/x HTTP/1.1\r\nHost: evil.example/x?\r\n\r\n");
    expect(statusOf(r.text)).toBe(400);
    expect(r.text).not.toMatch(/^Location:/im);
    expect(r.closed).toBe(true);
    const good = await request(site, "/old/x", { host: "robust.test:8080" });
    expect([good.status, good.headers.location]).toEqual([302, "http://robust.test:8080/new/x"]);
  });
});

interface Trickled {
  readonly text: string;
  readonly closed: boolean;
  readonly ms: number;
}

/**
 * Sends `head`, then `body` in pieces of `piece` bytes every `everyMs`, until everything is
 * sent and answered or the server closes the connection; gives up (closed: false) after `capMs`.
 */
function trickle(head: string, body: string, piece: number, everyMs: number, capMs = 6000): Promise<Trickled> {
  return new Promise((resolve) => {
    const started = Date.now();
    const sock = net.connect(site.port, "127.0.0.1");
    let text = "";
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = (closed: boolean) => {
      clearInterval(timer);
      clearTimeout(cap);
      sock.destroy();
      resolve({ text, closed, ms: Date.now() - started });
    };
    const cap = setTimeout(() => finish(false), capMs);
    sock.on("data", (d) => (text += d.toString("latin1")));
    sock.on("close", () => finish(true));
    sock.on("error", () => undefined);
    sock.on("connect", () => {
      sock.write(head);
      timer = setInterval(() => {
        if (sent < body.length) {
          sock.write(body.slice(sent, sent + piece));
          sent += piece;
        }
      }, everyMs);
    });
  });
}

const post = (target: string, length: number, type = "application/octet-stream") =>
  `POST ${target} HTTP/1.1\r\nHost: x\r\nContent-Type: ${type}\r\nContent-Length: ${length}\r\n\r\n`;

/** What a trickled request came to: the first status, whether the server closed, and in time. */
function outcome(r: Trickled, withinMs: number): { status: number; closed: boolean; inTime: boolean } {
  return { status: statusOf(r.text), closed: r.closed, inTime: r.ms < withinMs };
}

// The clients of each test trickle at the same time, so the file's run time stays short.
describe("RequestReadTimeout (header=1-4,MinRate=200 body=1,MinRate=200)", () => {
  test("a body trickled below MinRate is cut off whoever reads it: 408, or a closed connection once answered", async () => {
    const slow = "a".repeat(1000);
    const cases: Array<[string, string, number]> = [
      ["/echo", "application/octet-stream", 408], // a handler reading it
      ["/form", "application/x-www-form-urlencoded", 408], // a form
      ["/proxied/x", "application/octet-stream", 408], // a proxied body
      ["/hello.txt", "application/octet-stream", 405], // a static file that never reads it: drained
      ["/note", "application/octet-stream", 200], // a handler that ignores it: drained
    ];
    const results = await Promise.all(cases.map(([target, type]) => trickle(post(target, slow.length, type), slow, 1, 50)));
    expect(results.map((r) => outcome(r, 4000))).toEqual(cases.map(([, , status]) => ({ status, closed: true, inTime: true })));
  });

  test("headers trickled below MinRate: 408 soon after the initial timeout, not at the maximum", async () => {
    const r = await trickle("", `GET /hello.txt HTTP/1.1\r\nHost: x\r\nX-Slow: ${"s".repeat(1000)}\r\n\r\n`, 1, 50);
    expect(outcome(r, 3000)).toEqual({ status: 408, closed: true, inTime: true });
  });

  test("a body and headers sent at a good rate may take longer than the initial timeout", async () => {
    const body = "b".repeat(600);
    const [posted, headers] = await Promise.all([
      trickle(post("/echo", body.length).replace("HTTP/1.1\r\n", "HTTP/1.1\r\nConnection: close\r\n"), body, 60, 200),
      trickle("", `GET /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Fast: ${"f".repeat(800)}\r\n\r\n`, 40, 100),
    ]);
    expect([statusOf(posted.text), posted.text.endsWith("got 600"), posted.ms > 1000]).toEqual([200, true, true]);
    expect([statusOf(headers.text), headers.ms > 1000]).toEqual([200, true]);
  });
});

describe("the access log has requests Node's parser refused", () => {
  const accessLog = () => fs.readFileSync(path.join(site.dir, "access.log"), "utf8");

  test.each([
    ["a garbage request line", "GARBAGE\r\n\r\n", '400 "GARBAGE"'],
    ["a request line over LimitRequestLine", `GET /${"p".repeat(70000)} HTTP/1.1\r\nHost: x\r\n\r\n`, '414 "-"'],
    ["a missing Host", "GET /hello.txt HTTP/1.1\r\nConnection: close\r\n\r\n", '400 "GET /hello.txt HTTP/1.1"'],
    ["a header line without a colon", "GET /hello.txt HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n", '400 "GET /hello.txt HTTP/1.1"'],
  ])("%s", async (_what, payload, logged) => {
    const r = await rawExchange(site.port, payload);
    expect(r.closed).toBe(true);
    await waitFor(() => accessLog().includes(`127.0.0.1 ${logged}\n`));
  });

  test("an Expect other than 100-continue: 417, from tsmod and logged", async () => {
    const r = await rawExchange(site.port, "GET /hello.txt HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\nConnection: close\r\n\r\n");
    expect(statusOf(r.text)).toBe(417);
    await waitFor(() => accessLog().includes('127.0.0.1 417 "GET /hello.txt HTTP/1.1"\n'));
  });

  test("headers that never complete: 408, logged with an unknown request line", async () => {
    const r = await rawExchange(site.port, "GET /hello.txt HTTP/1.1\r\nHost: x\r\n", 5000);
    expect(statusOf(r.text)).toBe(408);
    await waitFor(() => accessLog().includes('127.0.0.1 408 "-"\n'));
  });
});
