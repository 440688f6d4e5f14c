/*
 * The default handler as a static-file server: mapping (DocumentRoot, Alias, AliasMatch,
 * DirectoryIndex), listings, types, validators, conditional and range requests, HEAD, and a
 * TypeScript authen handler guarding files.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { request, startSite, type TestSite } from "../helpers/site";

const BIG = crypto.randomBytes(3 * 1024 * 1024 + 17);

const config = `
DocumentRoot @DIR@/htdocs
TsPath @DIR@/lib
Alias /files @DIR@/shared
Alias /one-file.txt @DIR@/shared/a.txt
AliasMatch ^/img/(\\w+)\\.png$ @DIR@/images/$1.png
AddType application/x-custom .cst
<Directory @DIR@/htdocs/listed>
  Options Indexes
</Directory>
<Directory @DIR@/htdocs/custom-index>
  DirectoryIndex start.txt home.html
</Directory>
<Directory @DIR@/htdocs/private>
  AuthType Basic
  AuthName "Private area"
  Require valid-user
  TsAuthenHandler auth
</Directory>
<Directory @DIR@/htdocs/typed>
  DefaultType application/x-default
</Directory>
<Files secret.txt>
  Require all denied
</Files>
<Location /conditional>
  SetHandler tsmod
  TsHandler conditional
</Location>
`;

const files: Record<string, string> = {
  "htdocs/index.html": "<h1>home</h1>\n",
  "htdocs/hello.txt": "hello world\n",
  "htdocs/digits.txt": "0123456789",
  "htdocs/empty.txt": "",
  "htdocs/page.html": "<p>page</p>",
  "htdocs/data.cst": "custom",
  "htdocs/typed/noext": "no extension",
  "htdocs/untyped": "no extension either",
  "htdocs/secret.txt": "files section denies me",
  "htdocs/code.ts": "export const x = 1;",
  "htdocs/listed/b.txt": "b",
  "htdocs/listed/a & <b>.txt": "escaped",
  "htdocs/listed/sub/c.txt": "c",
  "htdocs/listed/.htaccess": "hidden",
  "htdocs/listed/handler.ts": "hidden too",
  "htdocs/unlisted/x.txt": "x",
  "htdocs/custom-index/home.html": "custom index home",
  "htdocs/private/doc.txt": "the private document",
  "shared/a.txt": "aliased file",
  "images/logo.png": "PNGDATA",
  "lib/conditional.ts": `import { OK, type Request } from "tsmod";
/** A resource of any method with a fixed validator, answering conditions as a handler would. */
export async function handler(req: Request) {
  req.updateMtime(1_700_000_000);
  req.setEtag();
  req.setLastModified();
  const status = req.meetsConditions();
  if (status !== OK) return status;
  await req.write(req.method + " done");
  return OK;
}
`,
  "lib/auth.ts": `import { HTTP_UNAUTHORIZED, OK, type Request } from "tsmod";
export function authenhandler(req: Request) {
  const pw = req.getBasicAuthPw();
  return req.user === "alice" && pw === "wonderland" ? OK : HTTP_UNAUTHORIZED;
}
`,
};

let site: TestSite;

beforeAll(async () => {
  site = await startSite(config, files);
  fs.writeFileSync(path.join(site.dir, "htdocs/big.bin"), BIG);
  fs.mkdirSync(path.join(site.dir, "htdocs/listed/<script>alert(1)<"));
  fs.writeFileSync(path.join(site.dir, "htdocs/huge.bin"), "");
});

afterAll(() => site.close());

const get = (p: string, headers: Record<string, string> = {}, method = "GET") => request(site, p, { headers, method });

describe("mapping", () => {
  test("DocumentRoot serves files with their type and length", async () => {
    const r = await get("/hello.txt");
    expect(r.status).toBe(200);
    expect(r.body).toBe("hello world\n");
    expect(r.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(r.headers["content-length"]).toBe("12");
    expect(r.headers["accept-ranges"]).toBe("bytes");
  });

  test("a missing file is 404; path info after a file is 404", async () => {
    expect((await get("/nope.txt")).status).toBe(404);
    expect((await get("/hello.txt/extra")).status).toBe(404);
  });

  test("a file changed or removed right after a request is sent as it is now (the mapping's stats are reused briefly)", async () => {
    const file = path.join(site.dir, "htdocs/changing.txt");
    fs.writeFileSync(file, "short");
    expect((await get("/changing.txt")).body).toBe("short");
    fs.writeFileSync(file, "a good deal longer than before");
    const r = await get("/changing.txt");
    expect([r.body, r.headers["content-length"]]).toEqual(["a good deal longer than before", "30"]);
    fs.rmSync(file);
    expect((await get("/changing.txt")).status).toBe(404);
  });

  test("Alias maps a prefix at segment boundaries, and a single file", async () => {
    expect((await get("/files/a.txt")).body).toBe("aliased file");
    expect((await get("/filesx/a.txt")).status).toBe(404);
    expect((await get("/one-file.txt")).body).toBe("aliased file");
  });

  test("AliasMatch substitutes groups", async () => {
    const r = await get("/img/logo.png");
    expect(r.body).toBe("PNGDATA");
    expect(r.headers["content-type"]).toBe("image/png");
    expect((await get("/img/nope.png")).status).toBe(404);
  });

  test("a folder without a trailing slash redirects (301), keeping the query", async () => {
    const r = await get("/listed?x=1");
    expect(r.status).toBe(301);
    expect(r.headers.location).toBe(`http://127.0.0.1:${site.port}/listed/?x=1`);
  });

  test("DirectoryIndex: the default index.html, and the first existing configured name", async () => {
    expect((await get("/")).body).toBe("<h1>home</h1>\n");
    expect((await get("/custom-index/")).body).toBe("custom index home");
  });

  test("a folder with no index and no Options Indexes is 403", async () => {
    const r = await get("/unlisted/");
    expect(r.status).toBe(403);
    expect(r.body).toContain("Directory index forbidden by Options directive.");
  });
});

describe("directory listings", () => {
  test("Options Indexes lists entries, escaped in text and links, without .ht* and sources", async () => {
    const r = await get("/listed/");
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(r.body).toContain("<title>Index of /listed/</title>");
    expect(r.body).toContain('<li><a href="a%20%26%20%3Cb%3E.txt">a &amp; &lt;b&gt;.txt</a></li>');
    expect(r.body).toContain('<li><a href="%3Cscript%3Ealert(1)%3C/">&lt;script&gt;alert(1)&lt;/</a></li>');
    expect(r.body).toContain('<li><a href="sub/">sub/</a></li>');
    expect(r.body).toContain('<li><a href="../">Parent Directory</a></li>');
    expect(r.body).not.toContain("<script>");
    expect(r.body).not.toContain(".htaccess");
    expect(r.body).not.toContain("handler.ts");
    // Entries in byte order.
    expect(r.body.indexOf("%3Cscript")).toBeLessThan(r.body.indexOf("a%20%26")) ;
    expect(r.body.indexOf("a%20%26")).toBeLessThan(r.body.indexOf('"b.txt"'));
  });

  test("a listed name can be fetched through its link", async () => {
    expect((await get("/listed/a%20%26%20%3Cb%3E.txt")).body).toBe("escaped");
  });
});

describe("types", () => {
  test("AddType, the mime database, DefaultType and the built-in default", async () => {
    expect((await get("/data.cst")).headers["content-type"]).toBe("application/x-custom");
    expect((await get("/page.html")).headers["content-type"]).toBe("text/html; charset=utf-8");
    expect((await get("/typed/noext")).headers["content-type"]).toBe("application/x-default");
    expect((await get("/untyped")).headers["content-type"]).toBe("text/plain; charset=utf-8");
  });
});

describe("protected files", () => {
  test("handler sources are never served (404)", async () => {
    expect((await get("/code.ts")).status).toBe(404);
  });

  test("a <Files> section's Require all denied guards a static file", async () => {
    expect((await get("/secret.txt")).status).toBe(403);
  });
});

describe("validators and conditional requests", () => {
  test("ETag and Last-Modified from the file", async () => {
    const r = await get("/hello.txt");
    const st = fs.statSync(path.join(site.dir, "htdocs/hello.txt"));
    expect(r.headers.etag).toMatch(/^"[0-9a-f]+-c-[0-9a-f]+"$/);
    expect(r.headers["last-modified"]).toBe(new Date(Math.floor(st.mtimeMs / 1000) * 1000).toUTCString());
  });

  test("If-None-Match with the current ETag → 304 with validators and no body", async () => {
    const { headers } = await get("/hello.txt");
    const r = await get("/hello.txt", { "If-None-Match": `"other", ${headers.etag}` });
    expect(r.status).toBe(304);
    expect(r.body).toBe("");
    expect(r.headers.etag).toBe(headers.etag);
    expect(r.headers["last-modified"]).toBe(headers["last-modified"]);
  });

  test("weak comparison for If-None-Match; a different tag → 200", async () => {
    const { headers } = await get("/hello.txt");
    expect((await get("/hello.txt", { "If-None-Match": `W/${headers.etag}` })).status).toBe(304);
    expect((await get("/hello.txt", { "If-None-Match": '"nope"' })).status).toBe(200);
  });

  test("If-Modified-Since at or after Last-Modified → 304; before → 200; ignored beside If-None-Match", async () => {
    const { headers } = await get("/hello.txt");
    const lm = headers["last-modified"]!;
    expect((await get("/hello.txt", { "If-Modified-Since": lm })).status).toBe(304);
    expect((await get("/hello.txt", { "If-Modified-Since": "Thu, 01 Jan 1970 00:00:00 GMT" })).status).toBe(200);
    expect((await get("/hello.txt", { "If-Modified-Since": "not a date" })).status).toBe(200);
    expect((await get("/hello.txt", { "If-Modified-Since": lm, "If-None-Match": '"nope"' })).status).toBe(200);
  });

  test("a new mtime with the same size makes a new ETag (and the old one no longer answers 304)", async () => {
    const file = path.join(site.dir, "htdocs/stamped.txt");
    fs.writeFileSync(file, "same bytes");
    fs.utimesSync(file, 1_600_000_000, 1_600_000_000);
    const before = await get("/stamped.txt");
    fs.utimesSync(file, 1_600_000_100, 1_600_000_100);
    const after = await get("/stamped.txt");
    expect(after.body).toBe(before.body);
    expect(after.headers.etag).not.toBe(before.headers.etag);
    expect((await get("/stamped.txt", { "If-None-Match": before.headers.etag! })).status).toBe(200);
    expect((await get("/stamped.txt", { "If-None-Match": after.headers.etag! })).status).toBe(304);
  });

  test("If-Match that fails → 412", async () => {
    expect((await get("/hello.txt", { "If-Match": '"nope"' })).status).toBe(412);
    expect((await get("/hello.txt", { "If-Match": "*" })).status).toBe(200);
  });
});

describe("req.meetsConditions() in a handler", () => {
  test("a matching If-None-Match is 304 for GET and HEAD, 412 for any other method (RFC 9110 13.1.2)", async () => {
    const { headers } = await get("/conditional");
    const tag = headers.etag!;
    expect((await get("/conditional", { "If-None-Match": tag })).status).toBe(304);
    expect((await get("/conditional", { "If-None-Match": tag }, "HEAD")).status).toBe(304);
    for (const method of ["POST", "PUT", "DELETE"]) {
      expect([method, (await get("/conditional", { "If-None-Match": tag }, method)).status]).toEqual([method, 412]);
      expect([method, (await get("/conditional", { "If-None-Match": "*" }, method)).status]).toEqual([method, 412]);
      const other = await get("/conditional", { "If-None-Match": '"other"' }, method);
      expect([method, other.status, other.body]).toEqual([method, 200, `${method} done`]);
    }
  });

  test("If-Modified-Since applies to GET and HEAD only", async () => {
    const { headers } = await get("/conditional");
    const lm = headers["last-modified"]!;
    expect((await get("/conditional", { "If-Modified-Since": lm })).status).toBe(304);
    expect((await get("/conditional", { "If-Modified-Since": lm }, "POST")).status).toBe(200);
  });
});

describe("ranges", () => {
  test("a single range → 206 with Content-Range", async () => {
    const r = await get("/digits.txt", { Range: "bytes=2-5" });
    expect(r.status).toBe(206);
    expect(r.body).toBe("2345");
    expect(r.headers["content-range"]).toBe("bytes 2-5/10");
    expect(r.headers["content-length"]).toBe("4");
    expect(r.headers["content-type"]).toBe("text/plain; charset=utf-8");
  });

  test("open-ended, suffix and over-long ranges", async () => {
    expect((await get("/digits.txt", { Range: "bytes=7-" })).body).toBe("789");
    expect((await get("/digits.txt", { Range: "bytes=-3" })).body).toBe("789");
    expect((await get("/digits.txt", { Range: "bytes=-30" })).body).toBe("0123456789");
    const r = await get("/digits.txt", { Range: "bytes=8-100" });
    expect(r.body).toBe("89");
    expect(r.headers["content-range"]).toBe("bytes 8-9/10");
  });

  test("several ranges → multipart/byteranges, overlapping ones coalesced", async () => {
    const r = await get("/digits.txt", { Range: "bytes=0-1, 4-5,5-6, -1" });
    expect(r.status).toBe(206);
    const m = /^multipart\/byteranges; boundary=(\w+)$/.exec(r.headers["content-type"] ?? "");
    expect(m).not.toBeNull();
    const b = m![1];
    const part = (range: string, data: string) => `\r\n--${b}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Range: bytes ${range}/10\r\n\r\n${data}`;
    expect(r.body).toBe(part("0-1", "01") + part("4-6", "456") + part("9-9", "9") + `\r\n--${b}--\r\n`);
    expect(Number(r.headers["content-length"])).toBe(r.raw.length);
  });

  test("adjacent ranges merge into one part", async () => {
    const r = await get("/digits.txt", { Range: "bytes=0-1,2-3" });
    expect(r.status).toBe(206);
    expect(r.body).toBe("0123");
    expect(r.headers["content-range"]).toBe("bytes 0-3/10");
  });

  test("unsatisfiable → 416 with Content-Range: bytes */size", async () => {
    for (const range of ["bytes=10-", "bytes=100-200", "bytes=-0"]) {
      const r = await get("/digits.txt", { Range: range });
      expect(r.status).toBe(416);
      expect(r.headers["content-range"]).toBe("bytes */10");
    }
    expect((await get("/empty.txt", { Range: "bytes=0-" })).status).toBe(416);
  });

  test("malformed or foreign-unit Range headers are ignored (200)", async () => {
    for (const range of ["bytes=5-2", "bytes=abc", "items=0-1", "bytes=", "bytes=1-2-3"]) {
      const r = await get("/digits.txt", { Range: range });
      expect([range, r.status, r.body]).toEqual([range, 200, "0123456789"]);
    }
  });

  test("If-Range: a matching ETag or date keeps the range; a stale one sends the whole file", async () => {
    const { headers } = await get("/digits.txt");
    expect((await get("/digits.txt", { Range: "bytes=0-0", "If-Range": headers.etag! })).status).toBe(206);
    expect((await get("/digits.txt", { Range: "bytes=0-0", "If-Range": headers["last-modified"]! })).status).toBe(206);
    const stale = await get("/digits.txt", { Range: "bytes=0-0", "If-Range": '"stale"' });
    expect([stale.status, stale.body]).toEqual([200, "0123456789"]);
    expect((await get("/digits.txt", { Range: "bytes=0-0", "If-Range": `W/${headers.etag}` })).status).toBe(200);
    expect((await get("/digits.txt", { Range: "bytes=0-0", "If-Range": "Thu, 01 Jan 1970 00:00:00 GMT" })).status).toBe(200);
  });

  test("a range inside a large file", async () => {
    const r = await get("/big.bin", { Range: "bytes=1000000-1099999" });
    expect(r.status).toBe(206);
    expect(r.raw.equals(BIG.subarray(1000000, 1100000))).toBe(true);
  });
});

describe("methods and streaming", () => {
  test("HEAD: the GET headers, no body", async () => {
    const r = await get("/hello.txt", {}, "HEAD");
    expect(r.status).toBe(200);
    expect(r.headers["content-length"]).toBe("12");
    expect(r.headers.etag).toBeDefined();
    expect(r.raw.length).toBe(0);
  });

  test("OPTIONS lists the methods; POST is 405 with Allow", async () => {
    const o = await get("/hello.txt", {}, "OPTIONS");
    expect(o.status).toBe(200);
    expect(o.headers.allow).toBe("GET, HEAD, OPTIONS");
    const p = await request(site, "/hello.txt", { body: "x" });
    expect(p.status).toBe(405);
    expect(p.headers.allow).toBe("GET, HEAD, OPTIONS");
  });

  test("a 3 MB file arrives intact with a Content-Length, not chunked", async () => {
    const r = await get("/big.bin");
    expect(r.status).toBe(200);
    expect(r.headers["content-length"]).toBe(String(BIG.length));
    expect(r.headers["transfer-encoding"]).toBeUndefined();
    expect(r.raw.equals(BIG)).toBe(true);
  });

  test("a small file sent from memory is sent anew as soon as it changes, even at the same size and second", async () => {
    const file = path.join(site.dir, "htdocs/changing.txt");
    fs.writeFileSync(file, "version 1");
    expect((await get("/changing.txt")).body).toBe("version 1");
    expect((await get("/changing.txt")).body).toBe("version 1");
    const { mtime } = fs.statSync(file);
    fs.writeFileSync(file, "version 2");
    fs.utimesSync(file, mtime, mtime); // the same size and modification time: ctime still tells
    const r = await get("/changing.txt");
    expect([r.body, r.headers["content-length"]]).toEqual(["version 2", "9"]);
    fs.rmSync(file);
    fs.writeFileSync(file, "v3");
    expect((await get("/changing.txt")).body).toBe("v3");
  });

  test("a client that does not read: the server waits (backpressure) instead of buffering the file", async () => {
    const size = 64 * 1024 * 1024;
    fs.truncateSync(path.join(site.dir, "htdocs/huge.bin"), size);
    const socket = net.connect(site.port, "127.0.0.1");
    await new Promise((r) => socket.once("connect", r));
    socket.pause();
    socket.write("GET /huge.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    await new Promise((r) => setTimeout(r, 400));
    const serverSockets = (site.server as unknown as { sockets: Set<net.Socket> }).sockets;
    const buffered = [...serverSockets].map((s) => s.writableLength);
    const written = [...serverSockets].map((s) => s.bytesWritten);
    socket.destroy();
    expect(buffered.length).toBeGreaterThan(0);
    // At most a few chunks wait in user space, and the file is far from fully sent.
    expect(Math.max(...buffered)).toBeLessThan(1024 * 1024);
    expect(Math.max(...written)).toBeLessThan(size / 2);
  });
});

describe("a TypeScript authen handler guarding static files", () => {
  test("401 with the realm without credentials, 401 with wrong ones", async () => {
    const r = await get("/private/doc.txt");
    expect(r.status).toBe(401);
    expect(r.headers["www-authenticate"]).toBe('Basic realm="Private area"');
    expect(r.body).not.toContain("the private document");
    const wrong = await get("/private/doc.txt", { Authorization: "Basic " + Buffer.from("alice:nope").toString("base64") });
    expect(wrong.status).toBe(401);
  });

  test("the file with valid credentials, ranges included", async () => {
    const auth = { Authorization: "Basic " + Buffer.from("alice:wonderland").toString("base64") };
    expect((await get("/private/doc.txt", auth)).body).toBe("the private document");
    const r = await get("/private/doc.txt", { ...auth, Range: "bytes=4-10" });
    expect([r.status, r.body]).toEqual([206, "private"]);
  });
});
