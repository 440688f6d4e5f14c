/*
 * mod_alias redirects, mod_headers rules (on success and `always`), and ErrorDocument in its
 * three forms: a local URL (internal redirect), literal text and an external URL.
 */
import { request, startSite, type TestSite } from "../helpers/site";

const config = `
DocumentRoot @DIR@/htdocs
TsPath @DIR@/lib
Redirect /old http://example.com/new
Redirect permanent /moved /elsewhere
RedirectPermanent /perm http://example.com/p
RedirectTemp /temp http://example.com/t
Redirect seeother /other http://example.com/o
Redirect gone /gone
Redirect 307 /keep-method http://example.com/k
RedirectMatch ^/items/(\\d+)$ http://example.com/item?id=$1
RedirectMatch 301 ^/docs/(.*)\\.htm$ /docs/$1.html
Header set X-Site "tsmod test"
Header always set X-Always yes
Header append Cache-Control private
Header add X-Multi one
Header add X-Multi two
Header echo ^X-Echo-
Header set X-Env "user=%{WHO}e" env=WHO
Header set X-No-Env "unset" env=!WHO
<Location /guarded>
  AuthType Basic
  AuthName guarded
  Require valid-user
  TsAuthenHandler auth
  Redirect /guarded/go http://example.com/after-auth
</Location>
<Location /nested>
  Redirect /nested http://example.com/outer
</Location>
<Location /nested/inner>
  Redirect /nested http://example.com/inner
</Location>
<Directory @DIR@/htdocs/hdr>
  Header unset X-Site
  Header merge Cache-Control private
  Header merge Cache-Control no-transform
  Header setifempty X-Empty first
</Directory>
<Location /h>
  SetHandler tsmod
  TsHandler headers
</Location>
<Location /err-local>
  ErrorDocument 404 /errors/not-found.html
</Location>
<Location /err-text>
  ErrorDocument 404 "Sorry, nothing here"
</Location>
<Location /err-external>
  ErrorDocument 404 http://example.com/missing
</Location>
<Location /err-handler>
  ErrorDocument 404 /errors/handler-page
</Location>
<Location /errors/handler-page>
  SetHandler tsmod
  TsHandler errorpage
</Location>
<Location /err-default>
  ErrorDocument 404 default
</Location>
`;

let site: TestSite;

beforeAll(async () => {
  site = await startSite(config, {
    "htdocs/page.txt": "page",
    "htdocs/hdr/file.txt": "file",
    "htdocs/errors/not-found.html": "<h1>custom not found</h1>",
    "lib/auth.ts": `import { HTTP_UNAUTHORIZED, OK, type Request } from "tsmod";
export function authenhandler(req: Request) {
  req.getBasicAuthPw();
  return req.user === "bob" ? OK : HTTP_UNAUTHORIZED;
}`,
    "lib/headers.ts": `import { OK, type Request } from "tsmod";
export async function handler(req: Request) {
  req.headersOut.set("Cache-Control", "max-age=60");
  if (req.args === "env") req.subprocessEnv.set("WHO", "alice");
  await req.write("ok");
  return OK;
}`,
    "lib/errorpage.ts": `import { OK, type Request } from "tsmod";
export async function handler(req: Request) {
  await req.write("error page for " + req.prev!.uri + " status " + req.status + " " + req.subprocessEnv.get("REDIRECT_STATUS"));
  return OK;
}`,
  });
});

afterAll(() => site.close());

const base = () => `http://127.0.0.1:${site.port}`;

describe("Redirect", () => {
  test("a prefix redirect appends the rest of the path and the query (302 by default)", async () => {
    const r = await request(site, "/old/a%20b/c?x=1");
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe("http://example.com/new/a%20b/c?x=1");
    expect(r.body).toContain("http://example.com/new/a%20b/c?x=1");
    expect((await request(site, "/old")).headers.location).toBe("http://example.com/new");
  });

  test("prefixes match whole segments only", async () => {
    expect((await request(site, "/older")).status).toBe(404);
  });

  test("status keywords and numbers; a path target becomes an absolute URL", async () => {
    expect([(await request(site, "/moved/x")).status, (await request(site, "/moved/x")).headers.location]).toEqual([301, `${base()}/elsewhere/x`]);
    expect((await request(site, "/perm")).status).toBe(301);
    expect((await request(site, "/temp")).status).toBe(302);
    expect((await request(site, "/other")).status).toBe(303);
    expect((await request(site, "/keep-method")).status).toBe(307);
    const gone = await request(site, "/gone/thing");
    expect(gone.status).toBe(410);
    expect(gone.headers.location).toBeUndefined();
  });

  test("RedirectMatch substitutes groups and keeps a target's own query", async () => {
    const r = await request(site, "/items/42?ignored=1");
    expect([r.status, r.headers.location]).toEqual([302, "http://example.com/item?id=42"]);
    const d = await request(site, "/docs/guide/intro.htm");
    expect([d.status, d.headers.location]).toEqual([301, `${base()}/docs/guide/intro.html`]);
  });

  test("a Redirect inside a section runs after authentication", async () => {
    expect((await request(site, "/guarded/go")).status).toBe(401);
    const auth = { Authorization: "Basic " + Buffer.from("bob:x").toString("base64") };
    const r = await request(site, "/guarded/go", { headers: auth });
    expect([r.status, r.headers.location]).toEqual([302, "http://example.com/after-auth"]);
  });

  test("the innermost section's rule wins", async () => {
    expect((await request(site, "/nested/inner/x")).headers.location).toBe("http://example.com/inner/inner/x");
    expect((await request(site, "/nested/y")).headers.location).toBe("http://example.com/outer/y");
  });
});

describe("Header", () => {
  test("set, append, add and always on a successful static response", async () => {
    const r = await request(site, "/page.txt");
    expect(r.headers["x-site"]).toBe("tsmod test");
    expect(r.headers["x-always"]).toBe("yes");
    expect(r.headers["cache-control"]).toBe("private");
    expect(r.headers["x-multi"]).toBe("one, two");
  });

  test("Header always applies to a 404; plain Header does not (mod_headers' onsuccess)", async () => {
    const r = await request(site, "/no-such-file");
    expect(r.status).toBe(404);
    expect(r.headers["x-always"]).toBe("yes");
    expect(r.headers["x-site"]).toBeUndefined();
  });

  test("echo copies matching request headers", async () => {
    const r = await request(site, "/page.txt", { headers: { "X-Echo-One": "1", "X-Echo-Two": "2", "X-Other": "3" } });
    expect(r.headers["x-echo-one"]).toBe("1");
    expect(r.headers["x-echo-two"]).toBe("2");
    expect(r.headers["x-other"]).toBeUndefined();
  });

  test("env= conditions and %{VAR}e", async () => {
    const withEnv = await request(site, "/h?env");
    expect(withEnv.headers["x-env"]).toBe("user=alice");
    expect(withEnv.headers["x-no-env"]).toBeUndefined();
    const without = await request(site, "/h");
    expect(without.headers["x-env"]).toBeUndefined();
    expect(without.headers["x-no-env"]).toBe("unset");
  });

  test("a handler's headers are edited: append to its Cache-Control", async () => {
    const r = await request(site, "/h");
    expect(r.body).toBe("ok");
    expect(r.headers["cache-control"]).toBe("max-age=60, private");
  });

  test("inner sections run after outer ones: unset, merge (no duplicates), setifempty", async () => {
    const r = await request(site, "/hdr/file.txt");
    expect(r.headers["x-site"]).toBeUndefined();
    expect(r.headers["cache-control"]).toBe("private, no-transform");
    expect(r.headers["x-empty"]).toBe("first");
  });

  test("edit and edit* rewrite a handler's header values", async () => {
    const site2 = await startSite(
      `<Location />
  SetHandler tsmod
  TsHandler headers
  Header edit X-Edit ^(\\w+)-old$ $1-new
  Header edit* X-Edit-All o 0
</Location>`,
      { "headers.ts": `import { OK, type Request } from "tsmod";
export async function handler(req: Request) {
  req.headersOut.set("X-Edit", "value-old");
  req.headersOut.set("X-Edit-All", "foo boo");
  await req.write("ok");
  return OK;
}` },
    );
    try {
      const r = await request(site2, "/x");
      expect(r.headers["x-edit"]).toBe("value-new");
      expect(r.headers["x-edit-all"]).toBe("f00 b00");
    } finally {
      await site2.close();
    }
  });
});

describe("ErrorDocument", () => {
  test("a local URL: internal redirect to a static page, status kept", async () => {
    const r = await request(site, "/err-local/missing");
    expect(r.status).toBe(404);
    expect(r.body).toBe("<h1>custom not found</h1>");
    expect(r.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(r.headers["x-always"]).toBe("yes");
  });

  test("a local URL handled by TypeScript sees the original request and REDIRECT_STATUS", async () => {
    const r = await request(site, "/err-handler/missing");
    expect(r.status).toBe(404);
    expect(r.body).toBe("error page for /err-handler/missing status 404 404");
  });

  test("a conditional or range request does not turn an ErrorDocument into 304/206", async () => {
    const r = await request(site, "/err-local/missing", { headers: { Range: "bytes=0-3", "If-Modified-Since": new Date(Date.now() + 86400e3).toUTCString() } });
    expect(r.status).toBe(404);
    expect(r.body).toBe("<h1>custom not found</h1>");
  });

  test("literal text is the body", async () => {
    const r = await request(site, "/err-text/missing");
    expect(r.status).toBe(404);
    expect(r.body).toBe("Sorry, nothing here");
  });

  test("an external URL answers 302 to it", async () => {
    const r = await request(site, "/err-external/missing");
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe("http://example.com/missing");
  });

  test("'default' restores the built-in page", async () => {
    const r = await request(site, "/err-default/missing");
    expect(r.status).toBe(404);
    expect(r.body).toContain("<h1>Not Found</h1>");
  });
});
