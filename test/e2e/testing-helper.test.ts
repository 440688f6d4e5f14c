/*
 * tsmod-server/testing, as docs/testing.md shows it (the init-generated test, run against the
 * packed package, is in package.test.ts).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startTestSite } from "../../index";

test("docs/testing.md's example: files written by the test, a free port, requests, the log", async () => {
  const site = await startTestSite(
    `<Location /members>
       AuthType Basic
       AuthName "members"
       Require valid-user
       TsAuthenHandler app/auth
       SetHandler tsmod
       TsHandler app/auth::page
     </Location>`,
    {
      files: {
        "app/auth.ts": `import { HTTP_UNAUTHORIZED, OK, type Request } from "tsmod";
export function authenhandler(req: Request): number {
  if (req.getBasicAuthPw() !== "secret") { req.logError("wrong password for " + req.user); return HTTP_UNAUTHORIZED; }
  return OK;
}
export async function page(req: Request): Promise<number> {
  await req.write("hello " + req.user + " \\u2713");
  return OK;
}`,
      },
    },
  );
  const root = site.root;
  try {
    expect(site.url).toBe(`http://127.0.0.1:${site.port}`);
    const basic = (pw: string) => ({ authorization: "Basic " + Buffer.from("ann:" + pw).toString("base64") });
    expect((await site.request("/members", { headers: basic("wrong") })).status).toBe(401);
    expect(site.log.join("\n")).toContain("wrong password for ann");
    const ok = await site.request("/members", { headers: basic("secret") });
    expect([ok.status, ok.body]).toEqual([200, "hello ann \u2713"]);
  } finally {
    await site.close();
  }
  expect(fs.existsSync(root)).toBe(false);
});

test("a site folder of one's own is served as it is, gets no stray file and is kept", async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "tsmod-own-site-"));
  fs.mkdirSync(path.join(root, "htdocs"));
  fs.writeFileSync(path.join(root, "htdocs", "a.txt"), "static");
  fs.writeFileSync(path.join(root, "site.conf"), "DocumentRoot htdocs\n");
  try {
    const site = await startTestSite("Include site.conf", { root });
    try {
      expect((await site.request("/a.txt")).body).toBe("static");
    } finally {
      await site.close();
    }
    expect(fs.readdirSync(root).sort()).toEqual(["htdocs", "site.conf"]);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("a configuration that does not load rejects with its errors", async () => {
  await expect(startTestSite("NoSuchDirective on")).rejects.toThrow(/unknown directive 'NoSuchDirective'/);
});
