import * as fs from "node:fs";
import * as path from "node:path";
import { request, startSite, type TestSite } from "../helpers/site";
import { configErrors, loadConfig } from "../helpers/config";
import { writeTree } from "../helpers/site";

/** A handler that shows the variables it sees. */
const SHOW_ENV = `export function handler(req: any) {
  const names = ["mobile", "agent", "api", "lang", "from_env", "gone", "late", "ver"];
  req.write(names.map((n) => n + "=" + (req.subprocessEnv.get(n) ?? "-")).join(" "));
  return 0;
}
`;

describe("mod_env and mod_setenvif", () => {
  let site: TestSite;
  beforeAll(async () => {
    process.env.TSMOD_TEST_PASSENV = "passed";
    site = await startSite(
      `DocumentRoot @DIR@/htdocs
BrowserMatchNoCase "iphone|android" mobile
SetEnvIf User-Agent "^curl/([0-9.]+)" agent=curl ver=$1
SetEnvIf Request_URI "^/app/api/" api
LogFormat "%{mobile}e %{ver}e %U" envlog
CustomLog @DIR@/env.log envlog
Header set X-Agent "%{agent}e" env=agent
<Directory @DIR@/htdocs/app>
  SetHandler tsmod
  TsHandler show
  SetEnvIf Accept-Language "^(..)" lang=$1
  SetEnvIf mobile 1 !agent
  SetEnv late yes
  SetEnvIf late yes gone
  PassEnv TSMOD_TEST_PASSENV
  SetEnv gone x
  UnsetEnv gone
</Directory>
`,
      { "htdocs/app/show.ts": SHOW_ENV, "htdocs/app/api/show.ts": SHOW_ENV },
    );
  });
  afterAll(async () => {
    delete process.env.TSMOD_TEST_PASSENV;
    await site.close();
  });

  test("server-level and section rules, backreferences, !unset, SetEnv at fixups (after SetEnvIf), UnsetEnv", async () => {
    const r = await request(site, "/app/show.ts", { headers: { "user-agent": "curl/8.5.0", "accept-language": "de-CH" } });
    expect(r.body).toBe("mobile=- agent=curl api=- lang=de from_env=- gone=- late=yes ver=8.5.0");
    expect(r.headers["x-agent"]).toBe("curl");
  });

  test("a variable set earlier is an attribute later; Request_URI; no match sets nothing", async () => {
    const r = await request(site, "/app/api/show.ts", { headers: { "user-agent": "Mozilla (iPhone) curl/1.0" } });
    expect(r.body).toBe("mobile=1 agent=- api=1 lang=- from_env=- gone=- late=yes ver=-");
    expect(r.headers["x-agent"]).toBeUndefined();
  });

  test("PassEnv takes the server's environment; %{VAR}e reaches the access log", async () => {
    await request(site, "/app/show.ts", { headers: { "user-agent": "Android" } });
    // The log line is written after the response: wait for it rather than sleep.
    const logFile = path.join(site.dir, "env.log");
    for (let i = 0; i < 200 && !fs.readFileSync(logFile, "utf8").includes("1 - /app/show.ts"); i++) await new Promise((r) => setImmediate(r));
    expect(fs.readFileSync(logFile, "utf8")).toContain("1 - /app/show.ts");
  });

  test("PassEnv of an unset variable and a bad regex are load-time errors", () => {
    const dir = writeTree({ "tsmod.conf": "Listen 0\nPassEnv TSMOD_SURELY_UNSET_VAR\nSetEnvIf User-Agent (x a\nSetEnvIf Host\n" });
    expect(configErrors(() => loadConfig(path.join(dir, "tsmod.conf")))).toEqual([
      "conf:2: PassEnv: the environment variable TSMOD_SURELY_UNSET_VAR is not set in the server's environment",
      expect.stringMatching(/^conf:3: SetEnvIf: invalid regular expression/),
      "conf:4: SetEnvIf takes at least 3 arguments, got 1",
    ]);
  });
});

describe("mod_expires", () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await startSite(
      `DocumentRoot @DIR@/htdocs
ExpiresActive On
ExpiresDefault "access plus 1 hour"
ExpiresByType image/png "access plus 1 month 2 days"
ExpiresByType text/* M60
<Directory @DIR@/htdocs/off>
  ExpiresActive Off
</Directory>
<Location /own>
  SetHandler tsmod
  TsHandler own
</Location>
`,
      { "htdocs/a.png": "png", "htdocs/a.txt": "txt", "htdocs/a.json": "{}", "htdocs/off/b.png": "png", "own.ts": "export function handler(req: any) { req.headersOut.set('Expires', 'Thu, 01 Jan 2037 00:00:00 GMT'); req.contentType = 'image/png'; req.write('x'); return 0; }\n" },
    );
  });
  afterAll(() => site.close());

  const secondsAhead = (r: { headers: Record<string, unknown> }) => (Date.parse(String(r.headers.expires)) - Date.now()) / 1000;

  test("by type: access plus a month (30 days) and 2 days, with Cache-Control max-age", async () => {
    const r = await request(site, "/a.png");
    expect(r.headers["cache-control"]).toBe(`max-age=${32 * 86400}`);
    expect(Math.abs(secondsAhead(r) - 32 * 86400)).toBeLessThan(5);
  });

  test("type/* and modification time", async () => {
    const mtime = fs.statSync(path.join(site.dir, "htdocs/a.txt")).mtimeMs;
    const r = await request(site, "/a.txt");
    expect(r.headers.expires).toBe(new Date(mtime + 60000).toUTCString());
  });

  test("ExpiresDefault for other types; none on errors, when Off, or when the handler set Expires", async () => {
    expect(Math.abs(secondsAhead(await request(site, "/a.json")) - 3600)).toBeLessThan(5);
    expect((await request(site, "/missing.png")).headers.expires).toBeUndefined();
    expect((await request(site, "/off/b.png")).headers.expires).toBeUndefined();
    const own = await request(site, "/own");
    expect(own.headers.expires).toBe("Thu, 01 Jan 2037 00:00:00 GMT");
    expect(own.headers["cache-control"]).toBeUndefined();
  });

  test("bad rules are load-time errors", () => {
    const dir = writeTree({ "tsmod.conf": 'Listen 0\nExpiresDefault "later plus 1 day"\nExpiresByType png A10\nExpiresByType text/html "access plus 1 fortnight"\n' });
    expect(configErrors(() => loadConfig(path.join(dir, "tsmod.conf")))).toEqual([
      "conf:2: ExpiresDefault: 'later plus 1 day' starts with neither access, now nor modification (or is not A<seconds> / M<seconds>)",
      "conf:3: ExpiresByType: 'png' is not a MIME type (type/subtype or type/*)",
      "conf:4: ExpiresByType: 'access plus 1 fortnight': expected NUMBER UNIT pairs (years, months, weeks, days, hours, minutes, seconds)",
    ]);
  });
});
