/*
 * Nothing outside the mapped roots is ever served: every attempt is written on a raw socket,
 * byte for byte, so no client library normalises the path first.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { rawGet, rawRequest } from "../helpers/raw-http";
import { request, startSite, type TestSite } from "../helpers/site";

const SECRET = "TOP-SECRET-OUTSIDE-THE-ROOT";

const config = `
DocumentRoot @DIR@/htdocs
Alias /alias @DIR@/aliased
<Directory @DIR@/htdocs/follow>
  Options FollowSymLinks
</Directory>
`;

let site: TestSite;

beforeAll(async () => {
  site = await startSite(config, {
    "secret.txt": SECRET,
    "outside/also-secret.txt": SECRET,
    "htdocs/index.html": "index",
    "htdocs/public.txt": "public",
    "htdocs/sub/inner.txt": "inner",
    "htdocs/.htaccess": SECRET,
    "htdocs/.htpasswd": SECRET,
    "htdocs/sub/.htgroups": SECRET,
    "htdocs/.well-known/security.txt": "contact: ops",
    "htdocs/.hidden-but-public": "dotfile",
    "htdocs/handler.ts": SECRET,
    "aliased/in-alias.txt": "aliased",
    // Siblings whose names start with a root's name: outside the root all the same.
    "htdocs-evil/secret.txt": SECRET,
    "aliased-evil/secret.txt": SECRET,
  });
  const d = site.dir;
  fs.symlinkSync(path.join(d, "secret.txt"), path.join(d, "htdocs/link-out.txt"));
  fs.symlinkSync(path.join(d, "outside"), path.join(d, "htdocs/dir-out"));
  fs.symlinkSync(path.join(d, "htdocs/public.txt"), path.join(d, "htdocs/link-in.txt"));
  fs.symlinkSync(path.join(d, "secret.txt"), path.join(d, "aliased/alias-link-out.txt"));
  fs.mkdirSync(path.join(d, "htdocs/follow"));
  fs.symlinkSync(path.join(d, "secret.txt"), path.join(d, "htdocs/follow/link-out.txt"));
  fs.symlinkSync(path.join(d, "htdocs-evil/secret.txt"), path.join(d, "htdocs/link-sibling.txt"));
  fs.symlinkSync("../htdocs-evil/secret.txt", path.join(d, "htdocs/relative-link-sibling.txt"));
  fs.symlinkSync(path.join(d, "htdocs-evil"), path.join(d, "htdocs/dir-sibling"));
  fs.symlinkSync("../aliased-evil", path.join(d, "aliased/dir-sibling"));
});

afterAll(() => site.close());

/** Request targets that try to reach SECRET (or a protected file), as raw request-line text. */
const ATTEMPTS = [
  "/../secret.txt",
  "/../../secret.txt",
  "/./../secret.txt",
  "/sub/../../secret.txt",
  "/sub/../../../etc/passwd",
  "/%2e%2e/secret.txt",
  "/%2E%2E/secret.txt",
  "/.%2e/secret.txt",
  "/%2e./secret.txt",
  "/sub/%2e%2e/%2e%2e/secret.txt",
  "/..%2fsecret.txt",
  "/..%2Fsecret.txt",
  "/%2e%2e%2fsecret.txt",
  "/sub%2f..%2f..%2fsecret.txt",
  "/%252e%252e/secret.txt",
  "/%252e%252e%252fsecret.txt",
  "/..\\secret.txt",
  "/..%5csecret.txt",
  "/..%5Csecret.txt",
  "/sub\\..\\..\\secret.txt",
  "/%c0%ae%c0%ae/secret.txt",
  "/%c0%ae%c0%ae%c0%afsecret.txt",
  "/%e0%80%ae%e0%80%ae/secret.txt",
  "/..%c0%afsecret.txt",
  "/..%c1%9csecret.txt",
  "/%ef%bc%8e%ef%bc%8e/secret.txt",
  "/public.txt%00/../../secret.txt",
  "/%00/../secret.txt",
  "/secret.txt%00.html",
  "/%ff%fe/../../secret.txt",
  "/....//secret.txt",
  "/.../secret.txt",
  "//../secret.txt",
  "/alias/../../secret.txt",
  "/alias/%2e%2e/%2e%2e/secret.txt",
  "/alias/..%2f..%2fsecret.txt",
  "/alias/alias-link-out.txt",
  "/link-out.txt",
  "/dir-out/also-secret.txt",
  "/dir-out/",
  "/link-sibling.txt",
  "/dir-sibling/secret.txt",
  "/../htdocs-evil/secret.txt",
  "/%2e%2e/htdocs-evil/secret.txt",
  "/alias/dir-sibling/secret.txt",
  "/alias/../aliased-evil/secret.txt",
  "/.htaccess",
  "/.htpasswd",
  "/sub/.htgroups",
  "/%2ehtaccess",
  "/sub/../.htaccess",
  "/handler.ts",
  "/handler%2ets",
  "http://127.0.0.1/../secret.txt",
  "http://127.0.0.1/%2e%2e/secret.txt",
];

describe("traversal attempts", () => {
  test(`at least 30 attempts are in the table (${ATTEMPTS.length})`, () => {
    expect(ATTEMPTS.length).toBeGreaterThanOrEqual(30);
  });

  test.each(ATTEMPTS)("%s is refused and reveals nothing", async (target) => {
    const r = await rawGet(site.port, target);
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(r.text).not.toContain(SECRET);
  });

  test("a NUL byte written raw in the request line is refused", async () => {
    const r = await rawRequest(site.port, Buffer.from("GET /public.txt\0/../../secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "latin1"));
    expect(r.status).toBe(400);
    expect(r.text).not.toContain(SECRET);
  });

  test("the same server does serve the legitimate neighbours", async () => {
    expect((await rawGet(site.port, "/public.txt")).body.toString()).toBe("public");
    expect((await rawGet(site.port, "/sub/../public.txt")).body.toString()).toBe("public");
    expect((await rawGet(site.port, "/alias/in-alias.txt")).body.toString()).toBe("aliased");
  });
});

describe("symbolic links", () => {
  test("a link that stays inside the root is served", async () => {
    expect((await request(site, "/link-in.txt")).body).toBe("public");
  });

  test("links out of the root (file, folder, from an Alias) are 403 without FollowSymLinks, and logged", async () => {
    for (const p of ["/link-out.txt", "/dir-out/also-secret.txt", "/alias/alias-link-out.txt"]) {
      const r = await request(site, p);
      expect([p, r.status]).toEqual([p, 403]);
    }
    expect(site.log.some((l) => l.includes("Symbolic link not allowed") && l.includes("link-out.txt"))).toBe(true);
  });

  test("a link into a sibling folder whose name starts with the root's (htdocs-evil beside htdocs) is 403", async () => {
    for (const p of ["/link-sibling.txt", "/relative-link-sibling.txt", "/dir-sibling/secret.txt", "/alias/dir-sibling/secret.txt"]) {
      const r = await request(site, p);
      expect([p, r.status, r.body.includes(SECRET)]).toEqual([p, 403, false]);
    }
  });

  test("Options FollowSymLinks lets a link leave the root", async () => {
    const r = await request(site, "/follow/link-out.txt");
    expect([r.status, r.body]).toEqual([200, SECRET]);
  });
});

describe("dotfiles", () => {
  test(".ht* files are 403 (Apache's default <Files \".ht*\">)", async () => {
    for (const p of ["/.htaccess", "/.htpasswd", "/sub/.htgroups", "/.htnothing"]) {
      expect([p, (await request(site, p)).status]).toEqual([p, 403]);
    }
  });

  test("other dotfiles and dot-folders are ordinary files, as in Apache", async () => {
    expect((await request(site, "/.well-known/security.txt")).body).toBe("contact: ops");
    expect((await request(site, "/.hidden-but-public")).body).toBe("dotfile");
  });
});
