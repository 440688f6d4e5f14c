/*
 * The example module end to end: loaded by path and by package name, its directive parsed (and
 * refused with FILE:LINE), its hook and its handler answering over HTTP.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { configErrors, loadConfig } from "../../../test/helpers/config";
import { request, startSite, writeTree, type TestSite } from "../../../test/helpers/site";

const MODULE_DIR = __dirname;

const SITE = `
<Location /id>
  SetHandler request-id
</Location>
<Location /traced>
  RequestIdHeader X-Trace-Id
  SetHandler request-id
</Location>
`;

describe.each([
  ["by path", () => `LoadModule request_id ${MODULE_DIR}\n`, {} as Record<string, string>],
  ["by package name from ServerRoot's node_modules", () => "LoadModule request_id tsmod-request-id\n", packageFiles()],
])("the request-id module loaded %s", (_how, load, files) => {
  let site: TestSite;
  beforeAll(async () => {
    site = await startSite(load() + SITE, { "htdocs/page.txt": "text", ...files });
  });
  afterAll(() => site.close());

  test("its handler answers with the id its hook gave the request, which the response header carries", async () => {
    const r = await request(site, "/id");
    expect(r.status).toBe(200);
    expect(r.body.trim()).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.headers["x-request-id"]).toBe(r.body.trim());
  });

  test("a well-formed id from the client is kept; a malformed one is replaced", async () => {
    expect((await request(site, "/id", { headers: { "X-Request-Id": "abc-123" } })).body.trim()).toBe("abc-123");
    const bad = await request(site, "/id", { headers: { "X-Request-Id": "a b;<x>" } });
    expect(bad.body.trim()).not.toContain("a b");
  });

  test("its directive applies per section", async () => {
    const r = await request(site, "/traced", { headers: { "X-Trace-Id": "t-1" } });
    expect(r.body.trim()).toBe("t-1");
    expect(r.headers["x-trace-id"]).toBe("t-1");
    expect(r.headers["x-request-id"]).toBeUndefined();
  });

  test("its hook runs for content it does not serve, error pages included", async () => {
    expect((await request(site, "/page.txt")).headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    const missing = await request(site, "/missing.txt");
    expect(missing.status).toBe(404);
    expect(missing.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });
});

/** The module installed as a package, as `npm install tsmod-request-id` would put it. */
function packageFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of ["package.json", "index.ts"]) files[`node_modules/tsmod-request-id/${name}`] = fs.readFileSync(path.join(MODULE_DIR, name), "utf8");
  return files;
}

describe("configuration errors", () => {
  const errorsOf = (conf: string) => {
    const dir = writeTree({ "tsmod.conf": conf });
    try {
      return configErrors(() => loadConfig(path.join(dir, "tsmod.conf")));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };

  test("a bad argument to its directive is reported at FILE:LINE", () => {
    expect(errorsOf(`Listen 0\nLoadModule request_id ${MODULE_DIR}\nRequestIdHeader "not a header"\n`)).toEqual(["conf:3: RequestIdHeader: 'not a header' is not a header name"]);
  });

  test("its directive is unknown without LoadModule, with a suggestion once loaded", () => {
    // Unknown: only the shipped headers module's RequestHeader is suggested, not the unloaded module's directive.
    expect(errorsOf("Listen 0\nRequestIdHeader X\n")).toEqual(["conf:2: unknown directive 'RequestIdHeader' (did you mean 'RequestHeader'?)"]);
    expect(errorsOf(`Listen 0\nLoadModule request_id ${MODULE_DIR}\nRequestIdHeadr X\n`)).toEqual(["conf:3: unknown directive 'RequestIdHeadr' (did you mean 'RequestIdHeader'?)"]);
  });

  test("a module that is not there, or is another module, is refused at its line", () => {
    expect(errorsOf("Listen 0\nLoadModule request_id tsmod-no-such-module\n")).toEqual([expect.stringMatching(/^conf:2: LoadModule: package 'tsmod-no-such-module' not found in /)]);
    expect(errorsOf(`Listen 0\nLoadModule other_name ${MODULE_DIR}\n`)).toEqual([expect.stringMatching(/^conf:2: LoadModule: .* is the module 'request_id', not 'other_name'/)]);
  });

  test("<IfModule> sees a loaded module", () => {
    const dir = writeTree({ "tsmod.conf": `Listen 0\nLoadModule request_id ${MODULE_DIR}\n<IfModule request_id>\nTsOption seen 1\n</IfModule>\n<IfModule mod_request_id.c>\nTsOption apache_spelling 1\n</IfModule>\n` });
    try {
      expect([...loadConfig(path.join(dir, "tsmod.conf")).main.dir.options.keys()]).toEqual(["seen", "apache_spelling"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
