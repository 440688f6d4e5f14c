/*
 * TsDaemonProcess groups: an infinite loop, a process.exit, a memory hog and a thrown async
 * error in one group each answer 503 and get the process replaced, while another group and
 * the server's own process keep answering (their latency measured during the faults);
 * maximum-requests recycles without failing a request; the app sees the user; a bad
 * TsProcessGroup is a FILE:LINE error. The group's processes run the built package (bin/tsmod.js).
 */
import { configErrors, loadConfig } from "../helpers/config";
import { request, writeTree, type TestSite } from "../helpers/site";
import { AUTH_MODULE, basic, startAppSite } from "./app-site";
import * as path from "node:path";

const APP = `import type { IncomingMessage, ServerResponse } from "node:http";
const hog: unknown[] = [];
export default (req: IncomingMessage, res: ServerResponse) => {
  const u = req.url ?? "";
  if (u.startsWith("/loop")) for (;;) {}
  if (u.startsWith("/exit")) process.exit(3);
  if (u.startsWith("/hog")) for (;;) hog.push(new Array(1e6).fill(u));
  if (u.startsWith("/async")) { setTimeout(() => { throw new Error("async boom"); }, 1); return; }
  if (u.startsWith("/post")) { let n = 0; req.on("data", (c) => (n += c.length)); req.on("end", () => res.end("got " + n)); return; }
  res.setHeader("content-type", "text/plain");
  res.end(process.pid + " " + u + " " + (req.headers["x-tsmod-user"] ?? "-"));
};
`;

let site: TestSite;

beforeAll(async () => {
  site = await startAppSite(
    `
DocumentRoot @DIR@
TsDaemonProcess bad processes=1 request-timeout=3 memory-limit=64
TsDaemonProcess other processes=2
TsDaemonProcess recycle processes=1 maximum-requests=2
TsAppAlias /bad @DIR@/app.ts
TsAppAlias /other @DIR@/app.ts
TsAppAlias /recycle @DIR@/app.ts
TsAppAlias /main @DIR@/app.ts
<Location /bad>
  TsProcessGroup bad
</Location>
<Location /other>
  TsProcessGroup other
  AuthType Basic
  AuthName other
  TsAuthenHandler @DIR@/auth.ts
  Require valid-user
</Location>
<Location /recycle>
  TsProcessGroup recycle
</Location>
`,
    { "app.ts": APP, "auth.ts": AUTH_MODULE },
  );
  // Every group's processes are up (the first request of each waits for its process).
  await Promise.all(["/bad/x", "/other/x", "/recycle/warm"].map((p) => request(site, p, { headers: { authorization: basic("bob") } })));
}, 60_000);

afterAll(() => site.close());

const auth = { authorization: basic("bob") };

test("apps in a group run in other processes; the user reaches them; bodies stream across", async () => {
  const main = await request(site, "/main/a");
  const other = await request(site, "/other/a", { headers: auth });
  expect(main.body).toBe(`${process.pid} /a -`);
  expect(other.body).toMatch(/^\d+ \/a bob$/);
  expect(other.body.split(" ")[0]).not.toBe(String(process.pid));
  expect((await request(site, "/other/post", { headers: auth, body: "x".repeat(200_000) })).body).toBe("got 200000");
  expect((await request(site, "/other/a")).status).toBe(401);
});

/** Requests to the other group and the main process, one after another, while `fault` runs. */
async function latenciesDuring(fault: Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  let done = false;
  void fault.finally(() => (done = true));
  while (!done) {
    for (const p of ["/main/ping", "/other/ping"]) {
      const t = Date.now();
      const r = await request(site, p, { headers: auth });
      expect(r.status).toBe(200);
      times.push(Date.now() - t);
    }
  }
  return times;
}

test.each(["/bad/loop", "/bad/exit", "/bad/hog", "/bad/async"])("%s answers 503, the process is replaced, the rest keeps answering", async (fault) => {
  const before = await request(site, "/bad/x");
  const answer = request(site, fault);
  const times = await latenciesDuring(answer);
  expect((await answer).status).toBe(503);
  const after = await request(site, "/bad/x");
  expect(after.status).toBe(200);
  expect(after.body.split(" ")[0]).not.toBe(before.body.split(" ")[0]);
  // Other requests are never held up by the fault (a busy machine still answers in well under 1 s).
  expect(Math.max(...times)).toBeLessThan(1000);
  expect(times.length).toBeGreaterThan(2);
}, 30_000);

test("maximum-requests recycles the process without failing a request", async () => {
  const pids: string[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await request(site, `/recycle/${i}`);
    expect(r.status).toBe(200);
    pids.push(r.body.split(" ")[0]);
  }
  // The warm-up request was the first of two: then a new process for every two.
  expect(new Set(pids).size).toBeGreaterThanOrEqual(3);
  expect(pids[1]).toBe(pids[2]);
}, 30_000);

test("TsProcessGroup must name a TsDaemonProcess", () => {
  const dir = writeTree({ "tsmod.conf": "Listen 127.0.0.1:0\nTsDaemonProcess one\n<Location /a>\n  TsProcessGroup two\n</Location>\n" });
  expect(configErrors(() => loadConfig(path.join(dir, "tsmod.conf")))).toEqual(["conf:4: TsProcessGroup: no TsDaemonProcess 'two' (known: one)"]);
});
