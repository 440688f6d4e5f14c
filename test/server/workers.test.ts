import * as fs from "node:fs";
import * as path from "node:path";
import { serve, type Served } from "../helpers/cli";
import { writeTree } from "../helpers/site";
import { eventually, get, getStarted, startLoad } from "./load";

/** `/pid` answers with the serving process's id; `?slow` sends its headers, then takes 800 ms. */
const HANDLER = `import { OK, type Request } from "tsmod";
export async function handler(req: Request): Promise<number> {
  req.contentType = "text/plain";
  if (req.args === "slow") {
    await req.flush();
    await new Promise((r) => setTimeout(r, 800));
  }
  await req.write(String(process.pid));
  return OK;
}
`;

function configText(extra = ""): string {
  return `Listen 127.0.0.1:0
Listen 127.0.0.1:0
Workers 2
${extra}
<Location /pid>
  SetHandler tsmod
  TsHandler app/h
</Location>
`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("Workers 2: a primary and worker processes", () => {
  let dir: string;
  let conf: string;
  let s: Served;
  let url: string;
  const everyPid = new Set<number>();

  /** The worker pids seen over `n` new connections (the primary hands them round robin). */
  async function workerPids(n = 8): Promise<Set<number>> {
    const pids = new Set<number>();
    for (let i = 0; i < n; i++) {
      const r = await get(url + "/pid", false);
      expect(r.status).toBe(200);
      pids.add(Number(r.body));
    }
    for (const p of pids) everyPid.add(p);
    return pids;
  }

  beforeAll(async () => {
    dir = writeTree({ "app/h.ts": HANDLER, "tsmod.conf": configText() });
    conf = path.join(dir, "tsmod.conf");
    s = await serve(conf, [], 2);
    url = s.urls[0];
  }, 40_000);
  afterAll(async () => {
    if (s.child.exitCode === null) s.child.kill("SIGKILL");
    for (const pid of everyPid) if (alive(pid)) process.kill(pid, "SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("the primary prints each listening line once, after the workers listen; both workers answer on both addresses", async () => {
    const pids = await workerPids();
    // Both workers have answered: any line a worker printed itself would be there by now.
    expect(s.output().match(/^tsmod listening on /gm)).toHaveLength(2);
    expect(new Set(s.urls).size).toBe(2);
    expect(pids.size).toBe(2);
    expect(pids.has(s.child.pid!)).toBe(false);
    expect((await get(s.urls[1] + "/pid", false)).status).toBe(200);
  });

  test("a killed worker is replaced and requests keep succeeding", async () => {
    const before = await workerPids();
    const [victim] = before;
    process.kill(victim, "SIGKILL");
    await eventually(() => s.output().includes(`worker ${victim} exited (signal SIGKILL)`), 5000, "worker death noticed");
    const load = startLoad(url + "/pid", { keepAlive: 2, fresh: 2 });
    await eventually(async () => {
      const pids = await workerPids(4);
      return pids.size === 2 && !pids.has(victim);
    }, 15_000, "replacement worker serving");
    const r = await load.stop();
    expect(r.failures).toEqual([]);
    expect(r.bodies).not.toContain(String(victim));
  }, 30_000);

  test("SIGHUP with a broken configuration keeps the running workers", async () => {
    const before = await workerPids();
    fs.writeFileSync(conf, configText("Workers many"));
    s.child.kill("SIGHUP");
    await eventually(() => s.output().includes("configuration reload failed, keeping the running workers"), 8000, "failure logged");
    expect(s.output()).toContain(`${conf}:4: Workers: takes a whole number, not 'many'`);
    expect(await workerPids()).toEqual(before);
  });

  test("SIGHUP replaces the workers one at a time under a running load: no request fails", async () => {
    const before = await workerPids();
    fs.writeFileSync(conf, configText("LogLevel notice"));
    const load = startLoad(url + "/pid");
    await load.answered(20);
    s.child.kill("SIGHUP");
    await eventually(() => s.output().includes("configuration reloaded from"), 25_000, "reload finished");
    await eventually(() => [...before].every((p) => !alive(p)), 8000, "old workers gone");
    await load.answered(20);
    const r = await load.stop();
    expect(r.failures).toEqual([]);
    expect(r.ok).toBeGreaterThan(50);
    const after = await workerPids();
    expect(after.size).toBe(2);
    for (const p of after) expect(before.has(p)).toBe(false);
  }, 40_000);

  test("SIGTERM drains every worker and exits 0", async () => {
    const workers = await workerPids();
    const slow = getStarted(url + "/pid?slow", false);
    await slow.started;
    const exited = new Promise<number | null>((resolve) => s.child.once("exit", (code) => resolve(code)));
    s.child.kill("SIGTERM");
    const answer = await slow.done;
    expect(answer.status).toBe(200);
    expect(workers.has(Number(answer.body))).toBe(true);
    expect(await exited).toBe(0);
    for (const p of workers) expect(alive(p)).toBe(false);
  }, 20_000);
});
