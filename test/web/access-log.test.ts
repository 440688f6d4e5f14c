/*
 * Access logging (mod_log_config): formats checked exactly, nicknames, conditions, the
 * authenticated user, internal redirects, configuration errors, and stdout for `npm start`.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadConfig } from "../helpers/config";
import { ConfigErrors } from "../../platform/errors";
import { request, startSite, waitFor, writeTree, type TestSite } from "../helpers/site";

const TIME = String.raw`\[\d{2}/(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\]`;

const config = `
ServerName main-server.example
DocumentRoot @DIR@/htdocs
TsPath @DIR@/lib
CustomLog @DIR@/logs/combined.log combined
CustomLog @DIR@/logs/common.log common
CustomLog @DIR@/logs/full.log full
CustomLog @DIR@/logs/flagged.log "%U" env=FLAG
LogFormat "%h|%l|%u|%>s|%b|%B|%U|%q|%m|%H|%v|%{X-Out}o|%{FLAG}e|%{mynote}n|%{Referer}i|%D|%T|%<U|%>U|%s" full
<Location /private>
  AuthType Basic
  AuthName private
  Require valid-user
  TsAuthenHandler auth
</Location>
<Location /handler>
  SetHandler tsmod
  TsHandler handler
</Location>
<Location /err-doc>
  ErrorDocument 404 /page.txt
</Location>
# The first virtual host is the default for any name; without CustomLog of its own it
# inherits the main server's logs.
<VirtualHost *>
  ServerName main.example
</VirtualHost>
<VirtualHost *>
  ServerName vhost.example
  DocumentRoot @DIR@/htdocs
  CustomLog @DIR@/logs/vhost.log short
</VirtualHost>
LogFormat "%v %U %>s" short
`;

let site: TestSite;
const logFile = (name: string) => path.join(site.dir, "logs", name);
/**
 * The log's lines that `match`, once there are at least `n`. Every test logs to the shared
 * files, and a line may land after the next test has started: each test picks out its own.
 */
async function lines(name: string, n: number, match: (line: string) => boolean = () => true): Promise<string[]> {
  const read = () => (fs.existsSync(logFile(name)) ? fs.readFileSync(logFile(name), "utf8").split("\n").filter((l) => l !== "" && match(l)) : []);
  await waitFor(() => read().length >= n);
  return read();
}

/** A `full.log` line is for one of `uris` (its `%U`, the seventh field). */
const forUri = (...uris: string[]) => (line: string) => uris.includes(line.split("|")[6]);

beforeAll(async () => {
  site = await startSite(config, {
    "logs/.keep": "",
    "htdocs/page.txt": "page",
    "htdocs/index.html": "index!",
    "htdocs/private/doc.txt": "doc",
    "lib/auth.ts": `import { HTTP_UNAUTHORIZED, OK, type Request } from "tsmod";
export function authenhandler(req: Request) {
  req.getBasicAuthPw();
  return req.user === "bob" ? OK : HTTP_UNAUTHORIZED;
}`,
    "lib/handler.ts": `import { OK, type Request } from "tsmod";
export async function handler(req: Request) {
  req.headersOut.set("X-Out", "out value");
  req.notes.set("mynote", "noted");
  if (req.args === "flag") req.subprocessEnv.set("FLAG", "on");
  await req.write("handled");
  return OK;
}`,
  });
});

afterAll(() => site.close());

test("combined: exact line with referer and user agent, escaped", async () => {
  await request(site, "/page.txt?a=1", { headers: { Referer: "http://ref.example/x", "User-Agent": 'agent "quoted" \\ back' } });
  const [line] = await lines("combined.log", 1);
  expect(line).toMatch(new RegExp(`^127\\.0\\.0\\.1 - - ${TIME} "GET /page\\.txt\\?a=1 HTTP/1\\.1" 200 4 "http://ref\\.example/x" "agent \\\\"quoted\\\\" \\\\\\\\ back"$`));
  const stamp = /\[(\d{2})\/(\w{3})\/(\d{4}):(\d{2}:\d{2}:\d{2}) ([+-]\d{4})\]/.exec(line)!;
  const when = Date.parse(`${stamp[2]} ${stamp[1]} ${stamp[3]} ${stamp[4]} GMT${stamp[5]}`);
  expect(Math.abs(when - Date.now())).toBeLessThan(10_000);
});

test("common: a 404 and a HEAD (no body: %b is '-')", async () => {
  await request(site, "/missing");
  await request(site, "/page.txt", { method: "HEAD" });
  const got = await lines("common.log", 2, (l) => l.includes('"GET /missing ') || l.includes('"HEAD /page.txt '));
  expect(got[0]).toMatch(new RegExp(`^127\\.0\\.0\\.1 - - ${TIME} "GET /missing HTTP/1\\.1" 404 \\d+$`));
  expect(got[1]).toMatch(new RegExp(`^127\\.0\\.0\\.1 - - ${TIME} "HEAD /page\\.txt HTTP/1\\.1" 200 -$`));
});

test("the authenticated user appears as %u; a refused one is '-'", async () => {
  await request(site, "/private/doc.txt");
  await request(site, "/private/doc.txt", { headers: { Authorization: "Basic " + Buffer.from("bob:pw").toString("base64") } });
  const got = await lines("common.log", 2, (l) => l.includes(" /private/doc.txt "));
  expect(got[0]).toMatch(/^127\.0\.0\.1 - - \[.*\] "GET \/private\/doc\.txt HTTP\/1\.1" 401 \d+$/);
  expect(got[1]).toMatch(/^127\.0\.0\.1 - bob \[.*\] "GET \/private\/doc\.txt HTTP\/1\.1" 200 3$/);
});

test("every token of a custom format", async () => {
  await request(site, "/handler/x?flag", { headers: { Referer: "r" } });
  const [line] = await lines("full.log", 1, forUri("/handler/x"));
  const f = line.split("|");
  expect(f.slice(0, 15)).toEqual(["127.0.0.1", "-", "-", "200", "7", "7", "/handler/x", "?flag", "GET", "HTTP/1.1", "main.example", "out value", "on", "noted", "r"]);
  expect(f[15]).toMatch(/^\d+$/);
  expect(f[16]).toBe("0");
  expect(f.slice(17)).toEqual(["/handler/x", "/handler/x", "200"]);
});

test("internal redirects: %<U / %U the original, %>U the final request, %s original status", async () => {
  await request(site, "/");
  await request(site, "/err-doc/nothing");
  const got = (await lines("full.log", 2, forUri("/", "/err-doc/nothing"))).map((l) => l.split("|"));
  expect([got[0][6], got[0][17], got[0][18], got[0][3]]).toEqual(["/", "/", "/index.html", "200"]);
  expect([got[1][6], got[1][18], got[1][3], got[1][19], got[1][5]]).toEqual(["/err-doc/nothing", "/page.txt", "404", "404", "4"]);
});

test("env= logs only requests with the variable set", async () => {
  await request(site, "/handler/a");
  await request(site, "/handler/b?flag");
  await request(site, "/handler/c");
  await request(site, "/handler/d?flag");
  const mine = (l: string) => ["/handler/a", "/handler/b", "/handler/c", "/handler/d"].includes(l);
  expect(await lines("flagged.log", 2, mine)).toEqual(["/handler/b", "/handler/d"]);
});

test("a virtual host's own CustomLog, with a nickname defined later in the file", async () => {
  await request(site, "/page.txt", { host: "vhost.example" });
  expect(await lines("vhost.log", 1)).toEqual(["vhost.example /page.txt 200"]);
});

describe("configuration errors name the file and line", () => {
  const check = (text: string, message: RegExp) => {
    const dir = writeTree({ "t.conf": `Listen 127.0.0.1:0\n${text}\n` });
    try {
      loadConfig(path.join(dir, "t.conf"));
      throw new Error("loaded");
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigErrors);
      expect((e as Error).message).toMatch(message);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
  test("an unknown nickname", () => check("CustomLog x.log nosuchformat", /t\.conf:2: CustomLog: no LogFormat nickname 'nosuchformat'/));
  test("an unknown token", () => check('LogFormat "%h %Z" bad', /t\.conf:2: LogFormat: unknown log format token '%Z'/));
  test("a piped log", () => check('CustomLog "|/bin/cat" common', /t\.conf:2: CustomLog: piped logs are not supported/));
  test("an unsupported condition", () => check("CustomLog x.log common expr=true", /t\.conf:2: CustomLog: the condition 'expr=true' is not supported/));
});

test("CustomLog stdout combined: the CLI server logs requests to its standard output", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsmod-stdout-"));
  fs.mkdirSync(path.join(dir, "htdocs"));
  fs.writeFileSync(path.join(dir, "htdocs/hello.txt"), "hi");
  fs.writeFileSync(path.join(dir, "tsmod.conf"), `Listen 127.0.0.1:0\nDocumentRoot htdocs\nCustomLog stdout combined\n`);
  const child = spawn(process.execPath, [path.resolve(__dirname, "../../bin/tsmod.js"), "serve", "-f", path.join(dir, "tsmod.conf")], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  try {
    await waitFor(() => /listening on http:\/\/[\d.]+:\d+/.test(out), 10_000);
    const port = Number(/listening on http:\/\/[\d.]+:(\d+)/.exec(out)![1]);
    await request({ port }, "/hello.txt", { headers: { "User-Agent": "cli-test" } });
    await waitFor(() => out.includes("cli-test"), 5000);
    expect(out).toMatch(new RegExp(`\\n127\\.0\\.0\\.1 - - ${TIME} "GET /hello\\.txt HTTP/1\\.1" 200 2 "-" "cli-test"\\n`));
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
