/*
 * mod_python's cases about files, sendfile, <Files> sections, the document root and URL
 * construction (reference groups A, B and O) beyond those in test/e2e/mod-python-cases:
 * the upstream shapes, extended to the static-file handler they lead to.
 */
import * as path from "node:path";
import { request, startSite, type TestSite } from "../helpers/site";

const config = `
ServerName main.example
DocumentRoot @DIR@/htdocs
TsPath @DIR@/lib
<Directory @DIR@/htdocs>
  <Files "*.txt">
    Header set X-Files txt
  </Files>
  <Files "inner.txt">
    Header set X-Inner yes
  </Files>
</Directory>
<FilesMatch "\\.(png|gif)$">
  Header set X-Image yes
</FilesMatch>
<Directory @DIR@/htdocs/nosub>
  <Files "inner.txt">
    Require all denied
  </Files>
</Directory>
<Location /info>
  SetHandler tsmod
  TsHandler info
</Location>
<Location /sendfile>
  SetHandler tsmod
  TsHandler sendfile
</Location>
<VirtualHost *>
  ServerName main.example
</VirtualHost>
<VirtualHost *>
  ServerName other.example
  DocumentRoot @DIR@/other
  <Directory @DIR@/other>
    SetHandler tsmod
    TsHandler info
  </Directory>
</VirtualHost>
<VirtualHost *>
  ServerName trans.example
  DocumentRoot @DIR@/htdocs
  TsTransHandler trans
</VirtualHost>
`;

let site: TestSite;

beforeAll(async () => {
  site = await startSite(config, {
    "htdocs/a.txt": "a",
    "htdocs/sub/inner.txt": "inner",
    "htdocs/nosub/inner.txt": "denied",
    "htdocs/pic.png": "png",
    "htdocs/tests.ts": "// handler source\n",
    "htdocs/data.bin": "0123456789".repeat(100),
    "other/page": "unused",
    "lib/info.ts": `import { OK, type Request } from "tsmod";
export async function handler(req: Request) {
  await req.write(JSON.stringify({
    documentRoot: req.documentRoot(), filename: req.filename, uri: req.uri, pathInfo: req.pathInfo,
    args: req.args, url: req.constructUrl("/index.html"),
  }));
  return OK;
}`,
    "lib/trans.ts": `import { OK, type Request } from "tsmod";
export function transhandler(req: Request) {
  req.filename = req.documentRoot() + (req.uri === "/source" ? "/tests.ts" : "/data.bin");
  return OK;
}`,
    "lib/sendfile.ts": `import { OK, type Request } from "tsmod";
export async function handler(req: Request) {
  const file = req.documentRoot() + "/data.bin";
  if (req.args === "missing") await req.sendfile(req.documentRoot() + "/no-such-file");
  else if (req.args === "past-end") await req.write("sent " + (await req.sendfile(file, 5000)));
  else {
    await req.write("head:");
    const n = await req.sendfile(file, 995);
    await req.write(":" + n);
  }
  return OK;
}`,
  });
});

afterAll(() => site.close());

const info = async (p: string, host?: string) => JSON.parse((await request(site, p, { host })).body) as Record<string, unknown>;

describe("O5 request members about files", () => {
  test("filename is documentRoot() + uri; no path info, no args", async () => {
    const i = await info("/info");
    expect(i).toMatchObject({ documentRoot: path.join(site.dir, "htdocs"), filename: path.join(site.dir, "htdocs") + "/info", uri: "/info", pathInfo: "", args: null });
  });

  test("in a virtual host, documentRoot() and filename follow its DocumentRoot; path info is split off", async () => {
    const i = await info("/page/more/parts?x=1", "other.example");
    expect(i).toMatchObject({ documentRoot: path.join(site.dir, "other"), filename: path.join(site.dir, "other/page"), pathInfo: "/more/parts", args: "x=1" });
  });
});

describe("A2 constructUrl", () => {
  test("uses the Host name and port; without a port in Host, the port connected to", async () => {
    expect((await info("/info", "main.example:8123")).url).toBe("http://main.example:8123/index.html");
    expect((await info("/info", `main.example`)).url).toBe(`http://main.example:${site.port}/index.html`);
  });

  test("an IPv6 Host keeps its brackets", async () => {
    const r = await request(site, "/info", { headers: { Host: "[::1]:8080" } });
    expect(JSON.parse(r.body).url).toBe("http://[::1]:8080/index.html");
  });
});

describe("A11-A13 sendfile, extended", () => {
  test("sendfile joins the written output; it returns the byte count", async () => {
    expect((await request(site, "/sendfile")).body).toBe("head:56789:5");
  });

  test("an offset past the end sends nothing", async () => {
    expect((await request(site, "/sendfile?past-end")).body).toBe("sent 0");
  });

  test("a missing file is a 500 naming the file in the log", async () => {
    const r = await request(site, "/sendfile?missing");
    expect(r.status).toBe(500);
    expect(site.log.some((l) => l.includes("sendfile: cannot stat") && l.includes("no-such-file"))).toBe(true);
  });
});

describe("B12 a TsTransHandler mapping", () => {
  test("the default handler serves the file the trans handler chose, with ranges", async () => {
    const r = await request(site, "/anything", { host: "trans.example", headers: { Range: "bytes=0-3" } });
    expect([r.status, r.body]).toEqual([206, "0123"]);
  });

  test("upstream served tests.py itself; a TypeScript source is never served (404)", async () => {
    expect((await request(site, "/source", { host: "trans.example" })).status).toBe(404);
  });
});

describe("B14 <Files> sections for static files", () => {
  test("a <Files> wildcard and a <Files> name inside <Directory> apply to files in subfolders too", async () => {
    const a = await request(site, "/a.txt");
    expect(a.headers["x-files"]).toBe("txt");
    expect(a.headers["x-inner"]).toBeUndefined();
    const inner = await request(site, "/sub/inner.txt");
    expect([inner.headers["x-files"], inner.headers["x-inner"]]).toEqual(["txt", "yes"]);
  });

  test("<FilesMatch> at server level", async () => {
    expect((await request(site, "/pic.png")).headers["x-image"]).toBe("yes");
    expect((await request(site, "/a.txt")).headers["x-image"]).toBeUndefined();
  });

  test("a <Files> nested in one <Directory> does not apply in another", async () => {
    expect((await request(site, "/nosub/inner.txt")).status).toBe(403);
    expect((await request(site, "/sub/inner.txt")).status).toBe(200);
  });
});
