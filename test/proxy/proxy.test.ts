import * as crypto from "node:crypto";
import * as http from "node:http";
import { request, startSite, type TestSite } from "../helpers/site";
import { deadPort, startBackend, websocketRoundTrip, type Backend } from "./backend";

const AUTH = "Basic " + Buffer.from("alice:secret").toString("base64");

/** An authen handler guarding the backend; it also tells the backend who the user is. */
const files = {
  "app/auth.ts": `import { OK, HTTP_UNAUTHORIZED, type Request } from "tsmod";
export function authenhandler(req: Request): number {
  const pw = req.getBasicAuthPw();
  if (req.user !== "alice" || pw !== "secret") return HTTP_UNAUTHORIZED;
  req.headersIn.set("X-Remote-User", req.user);
  return OK;
}
`,
  "app/fixup.ts": `import { OK, type Request } from "tsmod";
export function fixuphandler(req: Request): number {
  req.headersOut.set("Cache-Control", "no-store");
  req.headersOut.add("Set-Cookie", "front=1");
  return OK;
}
`,
  "app/content.ts": `import { OK, DECLINED, type Request } from "tsmod";
export async function handler(req: Request): Promise<number> {
  if (req.args === "decline") return DECLINED;
  req.contentType = "text/plain";
  await req.write("from TypeScript, not the backend");
  return OK;
}
`,
};

/** The backend: echoes what it got as JSON; a few paths behave specially. */
function backendHandler(req: http.IncomingMessage, res: http.ServerResponse): void {
  const hash = crypto.createHash("sha256");
  let size = 0;
  req.on("data", (c: Buffer) => {
    size += c.length;
    hash.update(c);
  });
  req.on("end", () => {
    const url = req.url ?? "";
    if (url.startsWith("/back/redirect")) {
      res.writeHead(302, { Location: `http://127.0.0.1:${req.socket.localPort}/back/landed`, "Content-Location": "/back/here", URI: "http://elsewhere.example/x" });
      return res.end();
    }
    if (url.startsWith("/back/big")) {
      res.writeHead(200, { "Content-Type": "application/octet-stream" });
      const chunk = Buffer.alloc(64 * 1024, 120);
      let n = 0;
      const pump = () => {
        while (n < 64) {
          n++;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end();
      };
      return pump();
    }
    if (url.startsWith("/back/slow")) {
      const t = setTimeout(() => res.end("late"), 3000);
      res.on("close", () => clearTimeout(t));
      return;
    }
    if (url.startsWith("/back/headers")) {
      res.setHeader("Connection", "X-Hop");
      res.setHeader("X-Hop", "must not pass");
      res.setHeader("Cache-Control", "public");
      res.setHeader("Set-Cookie", "back=1");
    }
    res.setHeader("Content-Type", "application/json");
    res.end(JSON.stringify({ method: req.method, url, headers: req.headers, size, sha256: hash.digest("hex") }));
  });
}

function json(body: string): { method: string; url: string; headers: Record<string, string>; size: number; sha256: string } {
  return JSON.parse(body);
}

describe("ProxyPass: the backend behind every phase", () => {
  let backend: Backend;
  let site: TestSite;

  beforeAll(async () => {
    backend = await startBackend(backendHandler);
    const b = backend.url;
    site = await startSite(
      `ServerName front.test
DocumentRoot @DIR@
ProxyPass /open/static !
ProxyPass /open ${b}/back
ProxyPassReverse /open ${b}/back
ProxyPass /private ${b}/back
<Location /private>
  AuthType Basic
  AuthName "backend"
  Require valid-user
  TsAuthenHandler app/auth
</Location>
<Location /fixed>
  ProxyPass ${b}/back/headers
  TsFixupHandler app/fixup
  Header set X-Front proxied
</Location>
<Location /preserve>
  ProxyPass ${b}/back
  ProxyPreserveHost On
</Location>
<Location /ts>
  ProxyPass ${b}/back
  SetHandler tsmod
  TsHandler app/content
</Location>
<Location /limited>
  ProxyPass ${b}/back
  LimitRequestBody 1000
</Location>
<Location /ws>
  ProxyPass ws://127.0.0.1:${backend.port}/socket
  AuthType Basic
  AuthName "ws"
  Require valid-user
  TsAuthenHandler app/auth
</Location>
<Location /quick>
  ProxyPass ${b}/back
  ProxyTimeout 300ms
</Location>`,
      files,
    );
  });
  afterAll(async () => {
    await site.close();
    await backend.close();
  });
  beforeEach(() => {
    backend.hits.length = 0;
    backend.upgrades.length = 0;
  });

  test("a TsAuthenHandler guards the backend: 401 and the backend never hit, then the answer streams through", async () => {
    const denied = await request(site, "/private/data?x=1");
    expect(denied.status).toBe(401);
    expect(denied.headers["www-authenticate"]).toBe('Basic realm="backend"');
    expect(backend.hits).toHaveLength(0);

    const wrong = await request(site, "/private/data", { headers: { Authorization: "Basic " + Buffer.from("alice:nope").toString("base64") } });
    expect(wrong.status).toBe(401);
    expect(backend.hits).toHaveLength(0);

    const ok = await request(site, "/private/data?x=1", { headers: { Authorization: AUTH } });
    expect(ok.status).toBe(200);
    expect(ok.headers["content-type"]).toBe("application/json");
    const seen = json(ok.body);
    expect(seen.url).toBe("/back/data?x=1");
    expect(seen.headers["x-remote-user"]).toBe("alice");
    expect(backend.hits).toHaveLength(1);
  });

  test("a client's Connection header cannot strip what a handler set for the backend, only the client's own headers", async () => {
    // The authen handler sets X-Remote-User; a client naming it in Connection used to make the
    // proxy drop it, so the backend saw no user at all.
    const r = await request(site, "/private/data", { headers: { Authorization: AUTH, Connection: "close, X-Remote-User", "X-Remote-User": "mallory" } });
    expect(r.status).toBe(200);
    expect(json(r.body).headers["x-remote-user"]).toBe("alice");
    // Headers the client itself lists are its own hop-by-hop ones: gone, and ours still added.
    const xff = await request(site, "/open/h", { headers: { Connection: "X-Forwarded-For, X-Private", "X-Forwarded-For": "203.0.113.9", "X-Private": "p", "X-Kept": "k" } });
    const seen = json(xff.body);
    expect(seen.headers["x-forwarded-for"]).toBe("127.0.0.1");
    expect(seen.headers["x-private"]).toBeUndefined();
    expect(seen.headers["x-kept"]).toBe("k");
  });

  test("a few MB of request body stream to the backend intact, and a large answer streams back", async () => {
    const body = crypto.randomBytes(3 * 1024 * 1024 + 17);
    const r = await request(site, "/open/upload", { method: "POST", body });
    expect(r.status).toBe(200);
    const seen = json(r.body);
    expect(seen.size).toBe(body.length);
    expect(seen.sha256).toBe(crypto.createHash("sha256").update(body).digest("hex"));
    expect(seen.headers["content-length"]).toBe(String(body.length));

    const chunked = await new Promise<string>((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port: site.port, path: "/open/chunked", method: "PUT", agent: false }, (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () => resolve(text));
      });
      req.on("error", reject);
      for (let i = 0; i < 40; i++) req.write(Buffer.alloc(50_000, i));
      req.end();
    });
    const c = json(chunked);
    expect(c.method).toBe("PUT");
    expect(c.size).toBe(40 * 50_000);
    expect(c.headers["transfer-encoding"]).toBe("chunked");

    const big = await request(site, "/open/big");
    expect(big.status).toBe(200);
    expect(big.raw.length).toBe(64 * 64 * 1024);
    expect(big.headers["transfer-encoding"]).toBe("chunked");
  });

  test("a chunked body over LimitRequestBody is cut off with 413", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port: site.port, path: "/limited/x", method: "POST", agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.write(Buffer.alloc(800));
      setTimeout(() => req.end(Buffer.alloc(800)), 50);
    });
    expect(status).toBe(413);
  });

  test("ProxyPassReverse maps Location and Content-Location back to the front end; other URLs stay", async () => {
    const r = await request(site, "/open/redirect");
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe(`http://127.0.0.1:${site.port}/open/landed`);
    expect(r.headers["content-location"]).toBe("/open/here");
    expect(r.headers.uri).toBe("http://elsewhere.example/x");
  });

  test("X-Forwarded-For/-Host/-Proto are added (appended to a previous proxy's), Host is the backend's", async () => {
    const r = await request(site, "/open/h", { host: "www.example.test", headers: { "X-Forwarded-For": "203.0.113.9" } });
    const seen = json(r.body);
    expect(seen.headers.host).toBe(`127.0.0.1:${backend.port}`);
    expect(seen.headers["x-forwarded-for"]).toBe("203.0.113.9, 127.0.0.1");
    expect(seen.headers["x-forwarded-host"]).toBe(`www.example.test:${site.port}`);
    expect(seen.headers["x-forwarded-proto"]).toBe("http");
  });

  test("ProxyPreserveHost On passes the client's Host", async () => {
    const r = await request(site, "/preserve/h", { host: "www.example.test" });
    expect(json(r.body).headers.host).toBe(`www.example.test:${site.port}`);
  });

  test("hop-by-hop headers are dropped both ways; headers from a fixup and Header directives still apply", async () => {
    const r = await request(site, "/fixed", { headers: { Connection: "keep-alive, X-Private", "X-Private": "secret", "Keep-Alive": "timeout=5", TE: "trailers", "X-Kept": "yes" } });
    const seen = json(r.body);
    expect(seen.url).toBe("/back/headers");
    expect(seen.headers["x-private"]).toBeUndefined();
    expect(seen.headers["keep-alive"]).toBeUndefined();
    expect(seen.headers.te).toBeUndefined();
    expect(seen.headers["x-kept"]).toBe("yes");
    expect(r.headers["x-hop"]).toBeUndefined();
    expect(r.headers["cache-control"]).toBe("no-store");
    expect(r.headers["x-front"]).toBe("proxied");
    expect(r.headers["set-cookie"]).toEqual(["front=1", "back=1"]);
  });

  test("ProxyPass ! excludes a path; SetHandler tsmod wins over the proxy unless its handler declines", async () => {
    expect((await request(site, "/open/static/file.txt")).status).toBe(404);
    expect(backend.hits).toHaveLength(0);
    const ts = await request(site, "/ts/x");
    expect(ts.body).toBe("from TypeScript, not the backend");
    expect(backend.hits).toHaveLength(0);
    const declined = await request(site, "/ts/x?decline");
    expect(json(declined.body).url).toBe("/back/x?decline");
  });

  test("a path is re-encoded for the backend; /openx is not under /open", async () => {
    const r = await request(site, "/open/a%20b/%C3%A9?q=%20");
    expect(json(r.body).url).toBe("/back/a%20b/%C3%A9?q=%20");
    expect((await request(site, "/openx")).status).toBe(404);
  });

  test("HEAD is passed on and answered without a body", async () => {
    const r = await request(site, "/open/h", { method: "HEAD" });
    expect(r.status).toBe(200);
    expect(r.raw.length).toBe(0);
    expect(backend.hits[0].method).toBe("HEAD");
  });

  test("WebSocket upgrade: refused by the authen handler without credentials, echoed through with them", async () => {
    const denied = await websocketRoundTrip(site.port, "/ws/chat", "hi");
    expect(denied.status).toBe(401);
    expect(denied.reply).toBeNull();
    expect(backend.upgrades).toHaveLength(0);

    const ok = await websocketRoundTrip(site.port, "/ws/chat", "hello through the proxy", { Authorization: AUTH });
    expect(ok.status).toBe(101);
    expect(ok.reply).toBe("echo: hello through the proxy");
    expect(backend.upgrades).toHaveLength(1);
    expect(backend.upgrades[0].url).toBe("/socket/chat");
    expect(backend.upgrades[0].headers["x-remote-user"]).toBe("alice");
  });

  test("an upgrade request to a location that is not proxied gets a normal answer and the connection closes", async () => {
    const r = await websocketRoundTrip(site.port, "/nothing/here", "x");
    expect(r.status).toBe(404);
    expect(r.head).toMatch(/\r\nConnection: close/i);
    expect(r.reply).toBeNull();
  });

  test("504 when the backend does not answer within ProxyTimeout", async () => {
    const started = Date.now();
    const r = await request(site, "/quick/slow");
    expect(r.status).toBe(504);
    expect(Date.now() - started).toBeLessThan(2500);
    expect(site.log.some((l) => l.includes("ProxyTimeout"))).toBe(true);
  });
});

describe("ProxyPass with the backend down", () => {
  test("502 with the reason in the error log", async () => {
    const port = await deadPort();
    const site = await startSite(`ProxyPass /down http://127.0.0.1:${port}/`);
    try {
      const r = await request(site, "/down/x");
      expect(r.status).toBe(502);
      expect(r.body).toContain("Bad Gateway");
      expect(site.log.some((l) => l.includes("ECONNREFUSED"))).toBe(true);
      const ws = await websocketRoundTrip(site.port, "/down/ws", "x");
      expect(ws.status).toBe(502);
    } finally {
      await site.close();
    }
  });
});
