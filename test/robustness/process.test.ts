import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { serve, type Served } from "../helpers/cli";
import { RawClient } from "../helpers/raw-client";
import { writeTree } from "../helpers/site";
import { eventually, get } from "../server/load";

/**
 * The server as a real process (`bin/tsmod.js serve`), under signals and load: whatever
 * clients and handlers do, it keeps answering, and a stop or reload answers every request
 * already sent.
 */

/**
 * `/echo`: answers "got N" for an N-byte body, from the process that read it; `/echo?stream`
 * sends its headers and the process id first, so a client sees that its request runs.
 */
const ECHO = `import { OK, type Request } from "tsmod";
export async function handler(req: Request): Promise<number> {
  req.contentType = "text/plain";
  if (req.args === "stream") {
    await req.write("from " + process.pid + ";");
    await req.flush();
  }
  const body = await req.read();
  await req.write("got " + body.length + " from " + process.pid);
  return OK;
}
`;

function configText(extra = ""): string {
  return `Listen 127.0.0.1:0
LogLevel notice
${extra}
<Location /echo>
  SetHandler tsmod
  TsHandler app/echo
</Location>
`;
}

async function start(extra: string, workers = 1): Promise<{ dir: string; s: Served; port: number }> {
  const dir = writeTree({ "app/echo.ts": ECHO, "tsmod.conf": configText(extra) });
  const s = await serve(path.join(dir, "tsmod.conf"));
  const port = Number(new URL(s.urls[0]).port);
  // Compiled on first use: the load below measures the stop, not the compiler.
  for (let i = 0; i < workers * 2; i++) await post(port, "warm", false);
  return { dir, s, port };
}

function exitOf(s: Served): Promise<number | null> {
  return s.child.exitCode !== null ? Promise.resolve(s.child.exitCode) : new Promise((resolve) => s.child.once("exit", (code) => resolve(code)));
}

/** One POST; resolves with the outcome: the answer, `refused`, or what went wrong. */
function post(port: number, body: string, agent: http.Agent | false): Promise<{ ok: boolean; close: boolean; outcome: string }> {
  return new Promise((resolve) => {
    const req = http.request({ host: "127.0.0.1", port, path: "/echo", method: "POST", agent, headers: { "content-length": body.length } }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => (text += c.toString()));
      res.on("end", () => {
        const ok = res.statusCode === 200 && text.startsWith(`got ${body.length} from `);
        resolve({ ok, close: res.headers.connection === "close", outcome: ok ? "ok" : `status ${res.statusCode}: ${text}` });
      });
      res.on("error", (e) => resolve({ ok: false, close: true, outcome: `response cut: ${e.message}` }));
    });
    // Refused: the connection never existed, so no request was sent on it.
    req.on("error", (e: NodeJS.ErrnoException) => resolve({ ok: false, close: true, outcome: e.code === "ECONNREFUSED" ? "refused" : `${e.code}: ${e.message}` }));
    req.end(body);
  });
}

/** Whether the server still accepts connections. */
function accepting(port: number): Promise<boolean> {
  return post(port, "", false).then((r) => r.outcome !== "refused");
}

/**
 * Keep-alive clients posting with a little think time (so some of their connections are idle
 * at any moment) and a burst of fresh connections; `stop` is called mid-run, once a share of
 * the burst has been answered. Every request must end answered or refused.
 */
async function stopUnderLoad(port: number, stop: () => void): Promise<{ answered: number; afterStop: number; failures: string[] }> {
  const body = "x".repeat(1000);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 20 });
  const result = { answered: 0, afterStop: 0, failures: [] as string[] };
  let stopped = false;
  const note = (r: { ok: boolean; outcome: string }) => {
    if (r.ok) {
      result.answered++;
      if (stopped) result.afterStop++;
    } else if (r.outcome !== "refused") result.failures.push(r.outcome);
  };
  const keepAlive = async () => {
    for (;;) {
      const r = await post(port, body, agent);
      note(r);
      // Told to close (the stop), or gone: a new connection is the burst's case.
      if (!r.ok || r.close) return;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
    }
  };
  const clients = Array.from({ length: 20 }, keepAlive);
  let burstAnswered = 0;
  const burst = Array.from({ length: 200 }, () =>
    post(port, body, false).then((r) => {
      note(r);
      if (++burstAnswered === 40) {
        stopped = true;
        stop();
      }
    }),
  );
  await Promise.all([...clients, ...burst]);
  agent.destroy();
  return result;
}

describe("one process: SIGTERM answers every request already sent", () => {
  test("under a load of fresh connections and keep-alive POSTs: no connection is reset, exit 0", async () => {
    const { dir, s, port } = await start("");
    try {
      const exit = exitOf(s);
      const r = await stopUnderLoad(port, () => s.child.kill("SIGTERM"));
      expect(r.failures).toEqual([]);
      expect(r.afterStop).toBeGreaterThan(0);
      expect(await exit).toBe(0);
    } finally {
      s.child.kill("SIGKILL");
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  test("an idle keep-alive connection's next request is answered; a request past GracefulShutdownTimeout is cut; exit 0", async () => {
    const { dir, s, port } = await start("GracefulShutdownTimeout 1");
    try {
      const idle = new RawClient(port);
      idle.sock.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\na");
      expect((await idle.response()).headers.connection).toBe("keep-alive");
      const hanging = new RawClient(port);
      hanging.sock.write("POST /echo?stream HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nnot all of it");
      await hanging.headers();
      const exit = exitOf(s);
      const stopped = Date.now();
      s.child.kill("SIGTERM");
      await eventually(async () => !(await accepting(port)), 5000, "listener closed");
      // The client did not know of the stop when it sent this.
      idle.sock.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nbc");
      const next = await idle.response();
      expect([next.status, next.headers.connection, next.body.toString()]).toEqual([200, "close", `got 2 from ${s.child.pid}`]);
      await expect(hanging.response()).rejects.toThrow(/without a complete response/);
      expect(Date.now() - stopped).toBeGreaterThanOrEqual(900);
      expect(await exit).toBe(0);
    } finally {
      s.child.kill("SIGKILL");
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});

describe("Workers 2: reloads and stops answer every request already sent", () => {
  let dir: string;
  let s: Served;
  let port: number;
  const pids = new Set<number>();

  beforeAll(async () => {
    ({ dir, s, port } = await start("Workers 2\nGracefulShutdownTimeout 3", 2));
  }, 40_000);
  afterAll(() => {
    s.child.kill("SIGKILL");
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone already
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("SIGHUP: a retiring worker answers its long requests until GracefulShutdownTimeout, then cuts what is left", async () => {
    // Both running on old workers before the reload; their bodies complete (or not) after it.
    const finishing = new RawClient(port);
    finishing.sock.write("POST /echo?stream HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\nabc");
    const hanging = new RawClient(port);
    hanging.sock.write("POST /echo?stream HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc");
    await Promise.all([finishing.headers(), hanging.headers()]);
    s.child.kill("SIGHUP");
    await eventually(() => s.output().includes("configuration reloaded from"), 20_000, "reload");
    const reloaded = Date.now();
    // Longer than a retiring worker lingers for idle connections, within GracefulShutdownTimeout.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    finishing.sock.write("def");
    const r = await finishing.response();
    expect(r.status).toBe(200);
    const [, oldPid, again] = /^from (\d+);got 6 from (\d+)$/.exec(r.body.toString()) ?? [];
    expect(again).toBe(oldPid);
    pids.add(Number(oldPid));
    await expect(hanging.response()).rejects.toThrow(/without a complete response/);
    // Cut by its worker at GracefulShutdownTimeout (3 s), not left to hang (allowing for a loaded machine).
    expect(Date.now() - reloaded).toBeLessThan(3000 + 2500);
    const after = await post(port, "new", false);
    expect(after.ok).toBe(true);
    expect(after.outcome).toBe("ok");
  }, 40_000);

  test("SIGTERM to the primary under a load of fresh connections and keep-alive POSTs: no connection is reset, exit 0", async () => {
    const exit = exitOf(s);
    const r = await stopUnderLoad(port, () => s.child.kill("SIGTERM"));
    expect(r.failures).toEqual([]);
    expect(r.afterStop).toBeGreaterThan(0);
    expect(await exit).toBe(0);
  }, 30_000);
});

/**
 * Code that leaves failing work behind: a handler (a timer that throws after its request, one
 * that throws while the request still runs, a promise rejected with nobody to catch it), an
 * output filter, and a `TsImport` function.
 */
const STRAY_FILES = {
  "app/stray.ts": `import { OK, type Request } from "tsmod";
export async function handler(req: Request): Promise<number> {
  const what = req.args ?? "";
  if (what === "timer") setTimeout(() => { throw new Error("stray timer"); }, 0);
  if (what === "reject") void Promise.reject(new Error("stray rejection"));
  if (what === "running") {
    setTimeout(() => { throw new Error("stray while running"); }, 0);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  if (what === "fatal") setTimeout(() => { throw new RangeError("Array buffer allocation failed"); }, 0);
  req.contentType = "text/plain";
  await req.write("served by " + process.pid);
  return OK;
}
`,
  "app/filter.ts": `import type { Filter } from "tsmod";
export async function outputfilter(filter: Filter): Promise<void> {
  setImmediate(() => { throw new Error("stray from a filter"); });
  for await (const chunk of filter) await filter.write(chunk);
}
`,
  "app/boot.ts": `export function start(): void {
  setTimeout(() => { throw new Error("left behind by TsImport"); }, 0);
}
`,
  "tsmod.conf": `Listen 127.0.0.1:0
LogLevel notice
TsImport app/boot::start
TsOutputFilter app/filter LEAVES
<Location /stray>
  SetHandler tsmod
  TsHandler app/stray
</Location>
<Location /filtered>
  SetHandler tsmod
  TsHandler app/stray
  SetOutputFilter LEAVES
</Location>
`,
};

describe("one process (Workers 1): a stray error in handler code is logged and the server serves on", () => {
  let dir: string;
  let s: Served;
  let url: string;

  beforeAll(async () => {
    dir = writeTree(STRAY_FILES);
    s = await serve(path.join(dir, "tsmod.conf"));
    url = s.urls[0];
  }, 30_000);
  afterAll(() => {
    s.child.kill("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The error log's entry for `message`, once it is there. */
  async function logged(message: string): Promise<string> {
    await eventually(() => s.output().includes(message), 5000, `'${message}' logged`);
    const lines = s.output().split("\n");
    const at = lines.findIndex((l) => l.includes(message));
    return lines.slice(at - 1, at + 2).join("\n");
  }

  async function stillServing(): Promise<void> {
    const r = await get(url + "/stray", false);
    expect(r).toEqual({ status: 200, body: `served by ${s.child.pid}` });
  }

  test("a TsImport function's leftover", async () => {
    expect(await logged("Error: left behind by TsImport")).toMatch(/\[tsmod:error\].* stray error \(uncaught exception\) from handler code app\/boot\.ts:2 /);
    await stillServing();
  });

  test("a timer a handler left behind, firing after its request", async () => {
    expect(await get(url + "/stray?timer", false)).toEqual({ status: 200, body: `served by ${s.child.pid}` });
    expect(await logged("Error: stray timer")).toMatch(/\[tsmod:error\].* stray error \(uncaught exception\) from handler code app\/stray\.ts:4 \(Timeout\._onTimeout\)/);
    await stillServing();
  });

  test("a rejected promise nobody handles", async () => {
    await get(url + "/stray?reject", false);
    expect(await logged("Error: stray rejection")).toMatch(/stray error \(unhandled promise rejection\) from handler code app\/stray\.ts:5 \(handler\)/);
    await stillServing();
  });

  test("an error while its request runs names that request", async () => {
    expect((await get(url + "/stray?running", false)).status).toBe(200);
    expect(await logged("Error: stray while running")).toMatch(/\[client 127\.0\.0\.1:\d+\] stray error \(uncaught exception\) from handler code app\/stray\.ts:7 .*while serving GET \/stray\?running \(client 127\.0\.0\.1:\d+\)/);
    await stillServing();
  });

  test("an output filter's leftover", async () => {
    expect(await get(url + "/filtered", false)).toEqual({ status: 200, body: `served by ${s.child.pid}` });
    expect(await logged("Error: stray from a filter")).toMatch(/stray error \(uncaught exception\) from handler code app\/filter\.ts:3 /);
    await stillServing();
  });

  test("a fatal state is not served on: logged at emerg, exit 1", async () => {
    const exit = exitOf(s);
    // The process may end before the response is out.
    await get(url + "/stray?fatal", false).catch(() => undefined);
    expect(await exit).toBe(1);
    expect(await logged("RangeError: Array buffer allocation failed")).toMatch(/\[tsmod:emerg\].* stray error \(uncaught exception\) from handler code app\/stray\.ts:10 .*; the process cannot go on and exits:/);
  });
});
