/*
 * Issue 17, item 5: no configuration regex lets a request stall the server. Each pattern below
 * backtracks exponentially (or to a high power) in a backtracking engine on the request data
 * sent; tsmod matches them with RE2, so every request is answered at once and the server stays
 * responsive. Runs the real server (dist/) in its own process, so a stalled event loop shows
 * up as a timed-out request rather than a stuck test runner.
 */
import * as http from "node:http";
import * as path from "node:path";
import { serve, type Served } from "../helpers/cli";
import { writeTree } from "../helpers/site";

const A40 = "a".repeat(40);
const A80 = "a".repeat(80);
const STARS = "*a".repeat(14) + "*b";

const files = {
  "htdocs/index.html": "index\n",
  "htdocs/aab/x.txt": "in aab\n",
  "htdocs/aab.txt": "aab\n",
  "htdocs/lm/aab": "lm\n",
  "htdocs/loc/aac": "loc\n",
  [`htdocs/${"ab".repeat(14)}b.txt`]: "stars\n",
  "app/echo.ts": `import { OK, type Request } from "tsmod";
export async function handler(req: Request): Promise<number> {
  req.headersOut.set("X-Echo", req.uri);
  await req.write("echo");
  return OK;
}
`,
};

const config = (dir: string) => `Listen 127.0.0.1:0
DocumentRoot ${dir}/htdocs
<LocationMatch "^/lm/(a+)+b$">
  Header set X-Hit location-match
</LocationMatch>
<Location ~ "^/loc/(a|a)*c$">
  Header set X-Hit location-tilde
</Location>
<FilesMatch "^(a+)+b\\.txt$">
  Header set X-Hit files-match
</FilesMatch>
<Files "${STARS}.txt">
  Header set X-Hit files-wildcard
</Files>
<DirectoryMatch "/(a+)+b/$">
  Header set X-Hit directory-match
</DirectoryMatch>
AliasMatch "^/am/(a+)+b$" ${dir}/htdocs/aab.txt
RedirectMatch "^/rm/(a+)+b$" http://example.com/rm
Header echo "^x-(a+)+b$"
<Location /he>
  SetHandler tsmod
  TsHandler app/echo
  Header edit X-Echo "^/he/(a+)+b$" edited
</Location>
<VirtualHost *>
  ServerName other.test
  ServerAlias "${STARS}"
</VirtualHost>
`;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  ms: number;
}

/** One request that fails if the server does not answer within `limitMs`. */
function ask(port: number, urlPath: string, headers: Record<string, string> = {}, limitMs = 3000): Promise<Answer> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path: urlPath, headers, agent: false, timeout: limitMs }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, ms: Date.now() - start }));
    });
    req.on("timeout", () => {
      req.destroy();
      reject(new Error(`no answer to ${urlPath.slice(0, 40)} within ${limitMs} ms: the server is stalled`));
    });
    req.on("error", reject);
  });
}

describe("configuration regexes matched against request data never stall the server", () => {
  let server: Served;
  let port: number;

  beforeAll(async () => {
    const dir = writeTree(files);
    writeTree({ "tsmod.conf": config(dir) }, dir);
    server = await serve(path.join(dir, "tsmod.conf"));
    port = Number(new URL(server.urls[0]).port);
  });
  afterAll(async () => {
    await server?.stop("SIGKILL");
  });

  afterEach(async () => {
    // Whatever the previous request did, the server still answers at once.
    expect((await ask(port, "/index.html")).status).toBe(200);
  });

  test.each([
    ["<LocationMatch>", `/lm/${A40}`, "/lm/aab", "location-match"],
    ["<Location ~>", `/loc/${A40}`, "/loc/aac", "location-tilde"],
    ["<FilesMatch>", `/${A40}.txt`, "/aab.txt", "files-match"],
    ["<Files> wildcard", `/${A80}.txt`, `/${"ab".repeat(14)}b.txt`, "files-wildcard"],
    ["<DirectoryMatch>", `/${A40}/x.txt`, "/aab/x.txt", "directory-match"],
  ])("%s: a hostile URL is answered at once; a matching one still matches", async (_name, hostile, matching, hit) => {
    const bad = await ask(port, hostile);
    expect(bad.headers["x-hit"]).toBeUndefined();
    expect(bad.ms).toBeLessThan(1000);
    expect((await ask(port, matching)).headers["x-hit"]).toBe(hit);
  });

  test("AliasMatch", async () => {
    expect((await ask(port, `/am/${A40}`)).status).toBe(404);
    expect((await ask(port, "/am/aab")).status).toBe(200);
  });

  test("RedirectMatch", async () => {
    expect((await ask(port, `/rm/${A40}`)).status).toBe(404);
    expect((await ask(port, "/rm/aab")).headers.location).toBe("http://example.com/rm");
  });

  test("Header echo: a hostile request header name", async () => {
    const bad = await ask(port, "/index.html", { [`x-${A40}`]: "1" });
    expect(bad.headers[`x-${A40}`]).toBeUndefined();
    expect((await ask(port, "/index.html", { "x-aab": "2" })).headers["x-aab"]).toBe("2");
  });

  test("Header edit: a response header carrying the request path", async () => {
    expect((await ask(port, `/he/${A40}`)).headers["x-echo"]).toBe(`/he/${A40}`);
    expect((await ask(port, "/he/aab")).headers["x-echo"]).toBe("edited");
  });

  test("ServerAlias wildcard: a hostile Host header", async () => {
    const bad = await ask(port, "/index.html", { Host: A80 });
    expect(bad.status).toBe(200);
    expect(bad.ms).toBeLessThan(1000);
  });
});
