import * as fs from "node:fs";
import * as path from "node:path";
import { serve, type Served } from "../helpers/cli";
import { writeTree } from "../helpers/site";
import { eventually, get, getStarted, startLoad } from "./load";

/** `/v` answers with the configured version; `/v?slow` sends its headers, then takes 800 ms to do it. */
const HANDLER = `import { OK, type Request } from "tsmod";
export async function handler(req: Request): Promise<number> {
  req.contentType = "text/plain";
  if (req.args === "slow") {
    await req.flush();
    await new Promise((r) => setTimeout(r, 800));
  }
  await req.write("v=" + req.getOptions().get("version"));
  return OK;
}
`;

function configText(version: string, extra = ""): string {
  return `Listen 127.0.0.1:0
LogLevel notice
${extra}
TsOption version ${version}
<Location /v>
  SetHandler tsmod
  TsHandler app/h
</Location>
`;
}

describe("tsmod serve, one process: signals", () => {
  let dir: string;
  let conf: string;
  let s: Served;
  let url: string;

  beforeAll(async () => {
    dir = writeTree({ "app/h.ts": HANDLER, "tsmod.conf": configText("1") });
    conf = path.join(dir, "tsmod.conf");
    s = await serve(conf);
    url = s.urls[0];
  }, 30_000);
  afterAll(async () => {
    if (s.child.exitCode === null) s.child.kill("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Rewrites the configuration and sends SIGHUP. */
  function reloadWith(text: string): void {
    fs.writeFileSync(conf, text);
    s.child.kill("SIGHUP");
  }

  test("prints the listening line once it accepts connections", async () => {
    expect(s.output().match(/^tsmod listening on /gm)).toHaveLength(1);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await get(url + "/v", false)).toEqual({ status: 200, body: "v=1" });
  });

  test("SIGHUP with a changed configuration takes effect", async () => {
    reloadWith(configText("2"));
    await eventually(async () => (await get(url + "/v", false)).body === "v=2", 8000, "new configuration");
    expect(s.output()).toContain(`configuration reloaded from ${conf}`);
  });

  test("SIGHUP with a broken configuration: the error as FILE:LINE in the error log, the old one keeps serving", async () => {
    reloadWith(configText("3", "NoSuchDirective here"));
    await eventually(() => s.output().includes("configuration reload failed"), 8000, "reload failure logged");
    expect(s.output()).toContain(`${conf}:3: unknown directive 'NoSuchDirective'`);
    expect(await get(url + "/v", false)).toEqual({ status: 200, body: "v=2" });
  });

  test("a request in flight during a reload finishes on the old configuration", async () => {
    const slow = getStarted(url + "/v?slow", false);
    await slow.started;
    reloadWith(configText("4"));
    await eventually(async () => (await get(url + "/v", false)).body === "v=4", 8000, "new configuration");
    expect(await slow.done).toEqual({ status: 200, body: "v=2" });
  });

  test("graceful SIGHUPs under a running load: no request fails", async () => {
    const load = startLoad(url + "/v");
    for (const v of ["5", "6", "7"]) {
      await load.answered(20);
      reloadWith(configText(v));
    }
    await eventually(async () => (await get(url + "/v", false)).body === "v=7", 8000, "last configuration");
    await load.answered(20);
    const r = await load.stop();
    expect(r.failures).toEqual([]);
    expect(r.ok).toBeGreaterThan(50);
    expect(r.bodies).toContain("v=7");
  });

  test("SIGTERM: stops accepting, drains the request in flight, exits 0", async () => {
    const slow = getStarted(url + "/v?slow", false);
    await slow.started;
    const exited = new Promise<number | null>((resolve) => s.child.once("exit", (code) => resolve(code)));
    s.child.kill("SIGTERM");
    const refused = () => get(url + "/v", false).then(() => false, (e: Error) => /ECONNREFUSED/.test(e.message));
    await eventually(refused, 5000, "new connections refused");
    expect(await slow.done).toEqual({ status: 200, body: "v=7" });
    expect(await exited).toBe(0);
  });
});
