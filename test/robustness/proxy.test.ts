/*
 * Hostile or unusual clients in front of ProxyPass: a `Connection` header naming headers the
 * server or a handler relies on, and body-less WebDAV methods. Every answer is a sensible
 * status, the backend sees what it should, and the server keeps answering afterwards.
 * Requests are written raw, so no client library tidies them first.
 */
import type * as http from "node:http";
import { rawExchange, rawRequest, statusOf, type RawReply } from "../helpers/raw-http";
import { request, startSite, type TestSite } from "../helpers/site";
import { startBackend, type Backend } from "../proxy/backend";

const AUTH = "Basic " + Buffer.from("alice:secret").toString("base64");

const files = {
  "app/auth.ts": `import { OK, HTTP_UNAUTHORIZED, type Request } from "tsmod";
export function authenhandler(req: Request): number {
  const pw = req.getBasicAuthPw();
  if (req.user !== "alice" || pw !== "secret") return HTTP_UNAUTHORIZED;
  req.headersIn.set("X-Remote-User", req.user);
  return OK;
}
`,
};

/** A backend that answers like mod_dav where it matters (MKCOL with a body: 415) and echoes the headers it got. */
function backendHandler(req: http.IncomingMessage, res: http.ServerResponse): void {
  let size = 0;
  req.on("data", (c: Buffer) => (size += c.length));
  req.on("end", () => {
    const framed = req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
    res.writeHead(req.method === "MKCOL" && framed ? 415 : 200, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ method: req.method, headers: req.headers, size }));
  });
}

let backend: Backend;
let site: TestSite;

beforeAll(async () => {
  backend = await startBackend(backendHandler);
  site = await startSite(
    `ServerName robust.test
DocumentRoot @DIR@/htdocs
ProxyPass /dav ${backend.url}/dav
ProxyPass /private ${backend.url}/private
<Location /private>
  AuthType Basic
  AuthName "backend"
  Require valid-user
  TsAuthenHandler app/auth
</Location>`,
    { ...files, "htdocs/index.html": "still here\n" },
  );
});
afterAll(async () => {
  await site.close();
  await backend.close();
});

afterEach(async () => {
  // After every abuse the server still answers normally.
  const r = await request(site, "/");
  expect([r.status, r.body]).toEqual([200, "still here\n"]);
});

/** What the backend echoed, from a raw reply (the proxy streams it on chunked). */
function seen(reply: RawReply): { method: string; headers: Record<string, string>; size: number } {
  return JSON.parse(reply.headers["transfer-encoding"] === "chunked" ? dechunk(reply.body) : reply.body.toString());
}

function dechunk(body: Buffer): string {
  let text = "";
  let rest = body.toString("latin1");
  for (let size = parseInt(rest, 16); size > 0; size = parseInt(rest, 16)) {
    const start = rest.indexOf("\r\n") + 2;
    text += rest.slice(start, start + size);
    rest = rest.slice(start + size + 2);
  }
  return text;
}

describe("a client's Connection header against a guarded backend", () => {
  const cases: Array<[string, string, number, string | null]> = [
    ["names the header the authen handler sets", "close, X-Remote-User", 200, "alice"],
    ["names it with odd spacing and case", " ,x-remote-user ,, CLOSE ", 200, "alice"],
    ["names every fixed hop-by-hop header too", "Connection, Keep-Alive, TE, Trailer, Upgrade, Proxy-Connection, X-Remote-User", 200, "alice"],
    ["names Host, Content-Length and X-Forwarded-For", "Host, Content-Length, X-Forwarded-For, X-Remote-User", 200, "alice"],
    ["names prototype members", "__proto__, constructor, toString, hasOwnProperty, X-Remote-User", 200, "alice"],
    ["lists a thousand names", Array.from({ length: 1000 }, (_, i) => `X-H${i}`).join(", ") + ", X-Remote-User", 200, "alice"],
    ["is empty", "", 200, "alice"],
    ["names the client's own credentials: the client is anonymous", "Authorization", 401, null],
  ];

  test.each(cases)("%s: answered, and the backend sees only the handler's user", async (_name, connection, status, user) => {
    backend.hits.length = 0;
    const r = await rawRequest(
      site.port,
      `GET /private/x HTTP/1.1\r\nHost: robust.test\r\nAuthorization: ${AUTH}\r\nX-Remote-User: mallory\r\n__proto__: polluted\r\nConnection: ${connection}\r\nConnection: close\r\n\r\n`,
    );
    expect(r.status).toBe(status);
    if (user === null) {
      expect(backend.hits).toHaveLength(0);
      return;
    }
    const got = seen(r);
    expect(got.headers["x-remote-user"]).toBe(user);
    expect(got.headers["x-forwarded-for"]).toBe("127.0.0.1");
    expect(got.headers.host).toBe(`127.0.0.1:${backend.port}`);
  });

  test("a header named __proto__ is forwarded like any other header", async () => {
    backend.hits.length = 0;
    const r = await rawRequest(site.port, `PROPFIND /dav/x HTTP/1.1\r\nHost: robust.test\r\n__proto__: value\r\nConstructor: c\r\nConnection: close\r\n\r\n`);
    expect(r.status).toBe(200);
    const raw = backend.hits[0].rawHeaders;
    expect(raw.slice(raw.indexOf("__proto__"), raw.indexOf("__proto__") + 2)).toEqual(["__proto__", "value"]);
    expect(raw.slice(raw.indexOf("Constructor"), raw.indexOf("Constructor") + 2)).toEqual(["Constructor", "c"]);
  });
});

describe("body-less WebDAV methods through ProxyPass", () => {
  test.each(["MKCOL", "PROPFIND", "PROPPATCH", "LOCK", "UNLOCK", "COPY", "MOVE", "PUT", "POST", "DELETE", "OPTIONS"])(
    "%s without a body reaches the backend without one",
    async (method) => {
      const r = await rawRequest(site.port, `${method} /dav/trunk/new HTTP/1.1\r\nHost: robust.test\r\nDestination: http://robust.test/dav/z\r\nConnection: close\r\n\r\n`);
      expect(r.status).toBe(200);
      const got = seen(r);
      expect([got.method, got.headers["transfer-encoding"], got.headers["content-length"], got.size]).toEqual([method, undefined, undefined, 0]);
    },
  );

  test("pipelined on one connection: body-less MKCOL, a chunked PUT, PROPFIND, then a GET, all answered in order", async () => {
    const { text, closed } = await rawExchange(site.port, [
      "MKCOL /dav/a HTTP/1.1\r\nHost: robust.test\r\n\r\n",
      "PUT /dav/a/f HTTP/1.1\r\nHost: robust.test\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
      "PROPFIND /dav/a HTTP/1.1\r\nHost: robust.test\r\nDepth: 1\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: robust.test\r\nConnection: close\r\n\r\n",
    ]);
    expect(closed).toBe(true);
    const answers = text.split(/(?=HTTP\/1\.1 \d{3} )/).map(statusOf);
    expect(answers).toEqual([200, 200, 200, 200]);
    expect(text).toContain('"method":"MKCOL"');
    expect(text).toContain('"method":"PUT"');
    expect(text).toContain('"size":5');
    expect(text.endsWith("still here\n")).toBe(true);
  });
});
