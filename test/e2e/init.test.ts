/*
 * `tsmod init DIR` from this checkout: the site it writes serves at once (the packed package's
 * run, with tsc and the generated test, is in package.test.ts).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startTestSite } from "../../index";
import { runCli } from "../helpers/cli";

let work: string;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "tsmod-init-"));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

test("the new site's handler, publisher, PSP page and static page answer", async () => {
  const dir = path.join(work, "My Site");
  const r = runCli(["init", dir]);
  expect([r.stderr, r.status]).toEqual(["", 0]);
  expect(JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"))).toMatchObject({
    name: "my-site",
    private: true,
    dependencies: { "tsmod-server": expect.stringMatching(/^\^\d+\.\d+\.\d+$/) },
  });
  const tsconfig = JSON.parse(fs.readFileSync(path.join(dir, "tsconfig.json"), "utf8"));
  expect(tsconfig.compilerOptions.paths.tsmod).toEqual([path.relative(dir, path.resolve(__dirname, "../..")), "./node_modules/tsmod-server"]);
  const site = await startTestSite("Include site.conf", { root: dir });
  try {
    expect((await site.request("/hello?name=%3Cb%3E")).body).toContain("<h1>Hello, &lt;b&gt;!</h1>");
    expect((await site.request("/api/greet?name=x")).body).toBe("Hello, x!");
    expect(JSON.parse((await site.request("/api/whoami")).body)).toEqual({ method: "GET", uri: "/api/whoami" });
    expect((await site.request("/page.psp?item=a&item=%3C")).body).toMatch(/<li>a<\/li>\n {2}<li>&lt;<\/li>/);
    expect((await site.request("/")).body).toContain("<title>My Site</title>");
    expect(site.log).toEqual([]);
  } finally {
    await site.close();
  }
});

test.each([
  [["init"], 2, "tsmod: init takes one folder\n"],
  [["init", "a", "b"], 2, "tsmod: init takes one folder\n"],
])("tsmod %j: a usage error", (args, status, message) => {
  const r = runCli(args);
  expect(r.status).toBe(status);
  expect(r.stderr.startsWith(message)).toBe(true);
});

test("a folder that is not empty is refused, and nothing in it is touched", () => {
  const dir = path.join(work, "taken");
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, "tsmod.conf"), "mine");
  const r = runCli(["init", dir]);
  expect([r.stderr, r.status]).toEqual([`tsmod init: ${dir} exists and is not an empty folder: tsmod init writes a new site only\n`, 1]);
  expect(fs.readdirSync(dir)).toEqual(["tsmod.conf"]);
});
