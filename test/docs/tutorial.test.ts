/*
 * docs/tutorial.md, executed: its files and commands, taken from the page, run against the
 * packed tarball installed into an empty folder, as a reader would. A change that breaks the
 * tutorial breaks this test.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { serve } from "../helpers/cli";
import { filesInDoc } from "../helpers/doc-files";
import { request, writeTree } from "../helpers/site";

const ROOT = path.resolve(__dirname, "../..");
const TUTORIAL = fs.readFileSync(path.join(ROOT, "docs", "tutorial.md"), "utf8");
const INSTALL_TIMEOUT_MS = 180_000;

/** The shell commands of the page's ```sh blocks, one per line, comments dropped. */
function commands(): string[] {
  return [...TUTORIAL.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].flatMap(([, body]) => body.split("\n").filter((l) => l.trim() !== ""));
}

let work: string;
let site: string;
let bin: string;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "tsmod-tutorial-"));
  const tarball = execFileSync(process.execPath, [path.join(ROOT, "tools/pack.js"), "--pack-destination", work], { encoding: "utf8" }).trim();
  site = path.join(work, "mysite");
  // Step 1's commands, as written, with the tarball's real path. better-sqlite3 comes from
  // this checkout's built copy (linked, scripts not run): the same package, without its 80 s
  // compile.
  const mkdir = commands().find((c) => c.startsWith("mkdir -p mysite/"));
  const install = commands().find((c) => c.startsWith("npm init -y && npm install "));
  expect([mkdir, install]).toEqual([expect.stringContaining("cd mysite"), expect.stringContaining("tsmod-server-0.1.0.tgz better-sqlite3")]);
  execFileSync("/bin/sh", ["-c", mkdir!.replace(/ && cd mysite$/, "")], { cwd: work });
  execFileSync("npm", ["init", "-y"], { cwd: site, stdio: "pipe" });
  execFileSync("npm", ["install", "--prefer-offline", "--ignore-scripts", "--no-audit", "--no-fund", tarball, path.join(ROOT, "node_modules", "better-sqlite3")], {
    cwd: site,
    stdio: "pipe",
    timeout: INSTALL_TIMEOUT_MS,
  });
  writeTree(filesInDoc(path.join(ROOT, "docs", "tutorial.md")), site);
  bin = path.join(site, "node_modules", ".bin", "tsmod");
}, INSTALL_TIMEOUT_MS * 2);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test("the page shows every file of its folder listing", () => {
  const listed = [...TUTORIAL.matchAll(/^ {2}((?:app|htdocs)\/[\w./-]+|tsmod\.conf)\s/gm)].map((m) => m[1]).sort();
  expect(listed.length).toBeGreaterThan(5);
  for (const file of listed) expect(fs.existsSync(path.join(site, file))).toBe(true);
});

test("6. `npx tsmod configtest -f tsmod.conf` prints Syntax OK", () => {
  expect(commands()).toContain("npx tsmod configtest -f tsmod.conf");
  const r = spawnSync(process.execPath, [bin, "configtest", "-f", "tsmod.conf"], { cwd: site, encoding: "utf8", timeout: 30_000 });
  expect([r.stdout, r.stderr, r.status]).toEqual(["Syntax OK\n", "", 0]);
});

test("7. `npx tsmod serve -f tsmod.conf` answers each curl line as its comment says", async () => {
  expect(commands()).toContain("npx tsmod serve -f tsmod.conf");
  // A free port instead of the page's 8080, which something else on the machine may hold.
  const conf = path.join(site, "tsmod.conf");
  fs.writeFileSync(conf, fs.readFileSync(conf, "utf8").replace("Listen 127.0.0.1:8080", "Listen 127.0.0.1:0"));
  const curls = commands().filter((c) => c.startsWith("curl "));
  expect(curls.length).toBeGreaterThanOrEqual(5);
  const server = await serve(conf, [], 1, { bin });
  try {
    const port = Number(new URL(server.urls[0]).port);
    for (const line of curls) {
      // curl -i [-u user:pw] 'URL'   # STATUS[,:] what to see
      const m = /^curl -i (?:-u (\S+) )?'?http:\/\/127\.0\.0\.1:8080(\S*?)'?\s+# (?:(\d{3})[,:]? ?)?(.*)$/.exec(line);
      expect([line, m !== null]).toEqual([line, true]);
      const [, user, url, status, said] = m!;
      const headers: Record<string, string> = user ? { authorization: `Basic ${Buffer.from(user).toString("base64")}` } : {};
      const reply = await request({ port }, url, { headers });
      expect([line, reply.status]).toEqual([line, Number(status ?? 200)]);
      // "WWW-Authenticate: Basic realm=...", "with X-Served-By: mysite": a header the answer has.
      const header = /([A-Z][\w-]+): (.+)$/.exec(said);
      if (header) expect([line, reply.headers[header[1].toLowerCase()]]).toEqual([line, header[2]]);
      // "Hello, &lt;you&gt;!": text the page shows (descriptions are prose, not output).
      if (/&\w+;/.test(said)) expect(reply.body).toContain(said);
    }
  } finally {
    expect(await server.stop()).toBe(0);
  }
});
