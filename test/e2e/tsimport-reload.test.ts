/*
 * `TsImport module::fn` keeps its promise across reloads: when the module is reloaded
 * (TsAutoReload), fn runs again on the new instance, and a failure is logged with the
 * TsImport line's FILE:LINE.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { request, startSite, type TestSite } from "../helpers/site";

const stateModule = (version: number, setup = `state.ready = "yes";`) => `export const state = { version: ${version}, ready: "no" };
export function setup(): void { ${setup} }
`;

const files = {
  "app/state.ts": stateModule(1),
  "app/show.ts": `import { OK, type Request } from "tsmod";
import { state } from "./state";
export async function handler(req: Request) { await req.write(state.version + ":" + state.ready); return OK; }
`,
};

// Line 1 of tsmod.conf is the Listen line the test helper adds.
const config = `ServerName import.test
TsImport app/state::setup
<Location /state>
  SetHandler tsmod
  TsHandler app/show
</Location>`;

/** Asks until the answer is `body` (a reload is noticed by a file watch, shortly after the save). */
async function answers(site: TestSite, body: string): Promise<void> {
  const until = Date.now() + 5000;
  let last = "";
  while (Date.now() < until) {
    last = (await request(site, "/state")).body;
    if (last === body) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`expected ${body}, last answer ${last}`);
}

describe("TsImport and TsAutoReload", () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await startSite(config, files);
  });
  afterAll(() => site.close());

  test("at start the function has run", async () => {
    expect((await request(site, "/state")).body).toBe("1:yes");
  });

  test("after the module changes, the function runs on the new instance", async () => {
    fs.writeFileSync(path.join(site.dir, "app/state.ts"), stateModule(2));
    await answers(site, "2:yes");
  });

  test("a function that fails after a reload is logged with the TsImport line; the server keeps serving", async () => {
    fs.writeFileSync(path.join(site.dir, "app/state.ts"), stateModule(3, `throw new Error("setup v3 failed");`));
    await answers(site, "3:no");
    const line = site.log.find((l) => l.includes("setup v3 failed"));
    expect(line).toContain(`${path.join(site.dir, "tsmod.conf")}:3: TsImport app/state: Error: setup v3 failed`);
  });
});
