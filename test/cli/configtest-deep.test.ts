import * as fs from "node:fs";
import * as path from "node:path";
import { createModuleSet } from "../../index";
import { loadSiteConfig } from "../../platform/module";
import { configErrors } from "../helpers/config";
import { runCli } from "../helpers/cli";
import { writeTree } from "../helpers/site";

/** A site that configtest passes; each case below adds one mistake that used to fail only later. */
const BASE = `Listen 127.0.0.1:0
DocumentRoot htdocs
ErrorLog logs/error.log
CustomLog logs/access.log common
TsImport boot::start
<Directory htdocs/app>
  SetHandler tsmod
  TsHandler app
  TsOutputFilter app::upper UPPER
  SetOutputFilter UPPER
  TsOption tsmod.session.type memory
</Directory>
`;

const FILES = {
  "htdocs/app/app.ts": "export function handler(req: any) { return 0; }\nexport function upper(f: any) { f.close(); }\nexport class Pages { show(req: any) { return 0; } }\n",
  "htdocs/app/broken.ts": "export function handler(req: any { return 0; }\n",
  "htdocs/app/throws.ts": "throw new Error('no DATABASE_URL');\n",
  "htdocs/app/nohandler.ts": "export function handle(req: any) { return 0; }\n",
  "boot.ts": "export function start() {}\n",
  "logs/.keep": "",
};

function errorsFor(extra: string, edit: (conf: string) => string = (c) => c): string[] {
  const dir = writeTree({ ...FILES, "tsmod.conf": edit(BASE) + extra });
  return configErrors(() => loadSiteConfig(path.join(dir, "tsmod.conf"), createModuleSet(), { deep: true }));
}

describe("configtest catches what used to fail on the first request", () => {
  test("the base site passes", () => {
    expect(errorsFor("")).toEqual([]);
  });

  test.each([
    ["a syntax error in a handler module", "<Location /b>\nSetHandler tsmod\nTsHandler app/broken\n</Location>\n", /^conf:15: handler module 'app\/broken' \(.*broken\.ts\) fails to load: .*broken\.ts:1:\d+: ',' expected/, null],
    ["a handler module that throws when loaded", "<Location /t>\nSetHandler tsmod\nTsHandler app/throws\n</Location>\n", /^conf:15: handler module 'app\/throws' .* fails to load: no DATABASE_URL/, null],
    ["a module without the phase's default function", "<Location /n>\nSetHandler tsmod\nTsHandler app/nohandler\n</Location>\n", /^conf:15: handler 'app\/nohandler': the module has no 'handler' \(exports: handle\)/, null],
    ["a ::function that is missing", "<Location /f>\nTsAccessHandler app/app::access\n</Location>\n", /^conf:14: handler 'app\/app::access': the module has no 'access'/, null],
    ["an export that is not a function", "<Location /x>\nTsFixupHandler app/app::Pages.show.length\n</Location>\n", /is number, not a function/, null],
    ["a filter's module without the filter function", "TsInputFilter app/app LOWER\n", /^conf:13: handler 'app\/app': the module has no 'inputfilter'/, null],
    ["an unknown filter name", "<Location /u>\nSetOutputFilter UPPR\n</Location>\n", /^conf:14: SetOutputFilter: no output filter named 'UPPR' is registered .*\(did you mean 'UPPER'\?\)/, null],
    ["an unknown filter name by extension", "AddOutputFilter GZIP .txt\n", /^conf:13: AddOutputFilter: no output filter named 'GZIP'/, null],
    ["a TsImport function that is missing", "TsImport boot::stop\n", /^conf:13: handler 'boot::stop': the module has no 'stop'/, null],
    ["a session store type no module provides", "TsOption tsmod.session.type mongo\n", /^conf:13: TsOption tsmod.session.type: no session store 'mongo' is loaded \(have: memory, sqlite, postgres, cookie, redis\)/, null],
    ["a misspelt tsmod.* option", "TsOption tsmod.sesion.type sqlite\n", /^conf:13: TsOption: unknown key 'tsmod.sesion.type' \(did you mean 'tsmod.session.type'\?\)/, null],
    ["an error log folder that does not exist", "", /^conf:3: ErrorLog .*\/nolog\/error.log: the folder .*\/nolog does not exist/, (c: string) => c.replace("logs/error.log", "nolog/error.log")],
    ["an access log folder that does not exist", "", /^conf:4: CustomLog .*\/nolog\/access.log: the folder .*nolog does not exist/, (c: string) => c.replace("logs/access.log", "nolog/access.log")],
    ["a session folder that cannot be made", "TsOption tsmod.session.database_directory htdocs/app/app.ts/sessions\n", /^conf:13: TsOption tsmod.session.database_directory .*: cannot be created: .*app.ts is not a folder/, null],
  ])("%s", (_name, extra, expected, edit: ((c: string) => string) | null) => {
    expect(errorsFor(extra, edit ?? undefined)).toEqual([expect.stringMatching(expected)]);
  });

  test("a method of an exported class is found on its prototype; one only an instance gets is let pass", () => {
    expect(errorsFor("<Location /m>\nTsAccessHandler app/app::Pages.show\nTsFixupHandler app/app::Pages.madeInConstructor\n</Location>\n")).toEqual([]);
  });

  // root writes anywhere, so the permission check cannot fail there: reported as skipped, not passed.
  (process.getuid?.() === 0 ? test.skip : test)("a log folder that is not writable", () => {
    const dir = writeTree({ ...FILES, "tsmod.conf": BASE });
    fs.chmodSync(path.join(dir, "logs"), 0o500);
    try {
      expect(configErrors(() => loadSiteConfig(path.join(dir, "tsmod.conf"), createModuleSet(), { deep: true }))).toEqual([expect.stringMatching(/^conf:3: ErrorLog .*: cannot be created: .*logs is not writable/), expect.stringMatching(/^conf:4: CustomLog/)]);
    } finally {
      fs.chmodSync(path.join(dir, "logs"), 0o700);
    }
  });

  test("a server start checks option keys and store types but loads no handler code", () => {
    const dir = writeTree({ ...FILES, "tsmod.conf": BASE + "<Location /t>\nSetHandler tsmod\nTsHandler app/throws\n</Location>\nTsOption tsmod.sesion.type x\n" });
    expect(configErrors(() => loadSiteConfig(path.join(dir, "tsmod.conf"), createModuleSet()))).toEqual([expect.stringMatching(/^conf:17: TsOption: unknown key 'tsmod.sesion.type'/)]);
  });

  test("the command: every mistake as FILE:LINE on stderr, exit 1; a handler that keeps the process alive does not hang it", () => {
    const dir = writeTree({
      ...FILES,
      "htdocs/app/timer.ts": "setInterval(() => {}, 1000);\nexport function handler() { return 0; }\n",
      "tsmod.conf": BASE + "<Location /t>\nSetHandler tsmod\nTsHandler app/timer\n</Location>\nTsOption tsmod.session.type mongo\n",
    });
    const file = path.join(dir, "tsmod.conf");
    const r = runCli(["configtest", "-f", file]);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toEqual([`${file}:17: TsOption tsmod.session.type: no session store 'mongo' is loaded (have: memory, sqlite, postgres, cookie, redis)`]);
    expect(r.status).toBe(1);
    fs.writeFileSync(file, BASE + "<Location /t>\nSetHandler tsmod\nTsHandler app/timer\n</Location>\n");
    expect(runCli(["configtest", "-f", file])).toMatchObject({ status: 0, stdout: "Syntax OK\n" });
  });
});
