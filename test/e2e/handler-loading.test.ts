import { request, startSite, waitFor, type TestSite } from "../helpers/site";

describe("handler modules", () => {
  let site: TestSite;
  const files = {
    "app/hello.ts": `import { OK, type Request } from "tsmod";
import { greet } from "./lib/greet";
import type { Shape } from "./lib/types";
const shape: Shape = { kind: "circle" };
export async function handler(req: Request): Promise<number> {
  await req.write(greet(req.uri) + " " + shape.kind);
  return OK;
}
export async function counter(req: Request) {
  const { bump } = await import("./lib/state");
  await req.write(String(bump()));
  return OK;
}
`,
    "app/lib/greet.ts": `export const greet = (who: string): string => \`hello \${who}\`;\n`,
    "app/lib/types.ts": `export interface Shape { kind: "circle" | "square" }\n`,
    "app/lib/state.ts": `let n = 0;\nexport function bump(): number { return ++n; }\n`,
    "app/esm.mjs": `import { OK } from "tsmod";\nexport async function handler(req) { await req.write("mjs"); return OK; }\n`,
    "app/plain.js": `const { OK } = require("tsmod");\nexports.handler = async (req) => { await req.write("cjs js"); return OK; };\n`,
    "app/folder/index.ts": `import { OK, type Request } from "tsmod";\nexport async function handler(req: Request) { await req.write("index module"); return OK; }\n`,
    "app/errors.ts": `import { OK, type Request } from "tsmod";

export function handler(req: Request): number {
  const value: number = Number(req.args ?? "0");
  if (value > 0) {
    throw new RangeError("value too big: " + value);
  }
  return OK;
}
export function garbage() { return "OK"; }
export function nothing() { return undefined; }
export const notAFunction = 42;
`,
    "app/silent.ts": `import { OK, type Request } from "tsmod";\nexport async function handler(req: Request) { await req.write("content only"); return OK; }\n`,
    "app/init.ts": `export let started = 0;\nexport function setup(): void { started = Date.now(); }\nexport async function handler(req: any) { await req.write(started > 0 ? "imported" : "not imported"); return 0; }\n`,
    "app/broken.ts": `export function handler(req {\n  return 0\n}\n`,
    "app/noauthuser.ts": `import { OK } from "tsmod";\nexport function authenhandler() { return OK; }\n`,
  };
  const config = `ServerName loading.test
DocumentRoot @DIR@/htdocs
TsImport app/init::setup
<Location /hello>
  SetHandler tsmod
  TsHandler app/hello
</Location>
<Location /counter>
  SetHandler tsmod
  TsHandler app/hello::counter
</Location>
<Location /mjs>
  SetHandler tsmod
  TsHandler app/esm
</Location>
<Location /js>
  SetHandler tsmod
  TsHandler app/plain
</Location>
<Location /folder>
  SetHandler tsmod
  TsHandler app/folder
</Location>
<Location /errors>
  SetHandler tsmod
  TsHandler app/errors
</Location>
<Location /errors-debug>
  SetHandler tsmod
  TsHandler app/errors
  TsDebug On
</Location>
<Location /garbage>
  SetHandler tsmod
  TsHandler app/errors::garbage
</Location>
<Location /nothing>
  SetHandler tsmod
  TsHandler app/errors::nothing
</Location>
<Location /notfn>
  SetHandler tsmod
  TsHandler app/errors::notAFunction
</Location>
<Location /silent>
  SetHandler tsmod
  TsHandlerModule app/silent
</Location>
<Location /init>
  SetHandler tsmod
  TsHandler app/init
</Location>
<Location /broken>
  SetHandler tsmod
  TsHandler app/broken
  TsDebug On
</Location>
<Location /nouser>
  SetHandler tsmod
  AuthType Basic
  AuthName x
  Require valid-user
  TsAuthenHandler app/noauthuser
  TsHandler app/silent
</Location>`;

  beforeAll(async () => {
    site = await startSite(config, files);
  });
  afterAll(() => site.close());

  test("a .ts handler importing tsmod, site modules and types, with no npm install beside it", async () => {
    expect((await request(site, "/hello")).body).toBe("hello /hello circle");
  });

  test("dynamic import() of a site module; module state persists between requests", async () => {
    expect((await request(site, "/counter")).body).toBe("1");
    expect((await request(site, "/counter")).body).toBe("2");
  });

  test(".mjs, plain CommonJS .js and folder/index modules", async () => {
    expect((await request(site, "/mjs")).body).toBe("mjs");
    expect((await request(site, "/js")).body).toBe("cjs js");
    expect((await request(site, "/folder")).body).toBe("index module");
  });

  test("a thrown error without TsDebug: plain 500, logged with phase, handler and the .ts line", async () => {
    const r = await request(site, "/errors?5");
    expect(r.status).toBe(500);
    expect(r.body).not.toContain("RangeError");
    await waitFor(() => site.log.some((l) => l.includes("TsHandler app/errors: RangeError: value too big: 5")));
    expect(site.log.join("\n")).toMatch(/app\/errors\.ts:6:\d+/);
  });

  test("with TsDebug the page shows the stack trace with TypeScript line numbers", async () => {
    const r = await request(site, "/errors-debug?7");
    expect(r.status).toBe(500);
    expect(r.body).toContain("RangeError: value too big: 7");
    expect(r.body).toMatch(/app\/errors\.ts:6:\d+/);
  });

  test("non-result return values and non-functions are 500s naming the handler", async () => {
    expect((await request(site, "/garbage")).status).toBe(500);
    expect((await request(site, "/nothing")).status).toBe(500);
    expect((await request(site, "/notfn")).status).toBe(500);
    expect(site.log.join("\n")).toContain(`handler 'app/errors::garbage' in phase TsHandler returned "OK", not a result`);
  });

  test("TsHandlerModule skips phases whose functions the module lacks", async () => {
    const r = await request(site, "/silent");
    expect(r.status).toBe(200);
    expect(r.body).toBe("content only");
  });

  test("TsImport loads a module and calls its function at start, in the server's interpreter", async () => {
    expect((await request(site, "/init")).body).toBe("imported");
  });

  test("a module that does not compile: 500 with the diagnostic's file and line", async () => {
    const r = await request(site, "/broken");
    expect(r.status).toBe(500);
    expect(r.body).toMatch(/app\/broken\.ts:1:\d+: /);
  });

  test("an authen handler returning OK without setting req.user is a 500", async () => {
    expect((await request(site, "/nouser")).status).toBe(500);
    expect(site.log.join("\n")).toContain("did not set req.user");
  });
});
