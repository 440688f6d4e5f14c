/*
 * Reload benchmark (issue 8). Needs `npm run build` first (uses dist/).
 *
 *   node --expose-gc bench/reload.js [RELOADS] [SECONDS] [WARMUP]
 *
 * 1. Saves a handler RELOADS times (default 1000) while a light background load (one client,
 *    requests back to back) hits another page, and measures the time from the save to the first
 *    response that shows the new code (p50/p90/p99) and the RSS and heap growth over the run,
 *    after WARMUP reloads (default 300) that are not counted.
 * 2. The hello workload with TsAutoReload On and Off, SECONDS each (default 3), 32 keep-alive
 *    clients: requests per second, so the cost of the on-use check shows.
 * Prints one JSON object.
 */
"use strict";
const fs = require("node:fs");
const http = require("node:http");
const os = require("node:os");
const path = require("node:path");
const { startServer } = require("../dist/index.js");

const RELOADS = Number(process.argv[2] ?? 1000);
const SECONDS = Number(process.argv[3] ?? 3);
const WARMUP = Number(process.argv[4] ?? 300);

const handler = (text) => `import { OK, type Request } from "tsmod";
export async function handler(req: Request) {
  req.contentType = "text/plain";
  await req.write(${JSON.stringify(text)});
  return OK;
}
`;

async function site(autoReload) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsmod-bench-reload-"));
  fs.mkdirSync(path.join(dir, "htdocs", "other"), { recursive: true });
  fs.writeFileSync(path.join(dir, "htdocs", "handler.ts"), handler("v0"));
  fs.writeFileSync(path.join(dir, "htdocs", "other", "handler.ts"), handler("background"));
  const conf = path.join(dir, "tsmod.conf");
  fs.writeFileSync(
    conf,
    `Listen 127.0.0.1:0
ServerName 127.0.0.1
DocumentRoot ${dir}/htdocs
LogLevel warn
<Directory ${dir}/htdocs>
  SetHandler tsmod
  TsHandler handler
  TsAutoReload ${autoReload ? "On" : "Off"}
</Directory>
<Directory ${dir}/htdocs/other>
  TsHandler handler
</Directory>
`,
  );
  const server = await startServer(conf, { errorLog: () => undefined });
  return { dir, server, port: Number(new URL(server.urls()[0]).port) };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function get(port, urlPath) {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path: urlPath, agent }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve(body));
      })
      .on("error", reject);
  });
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

function memory() {
  global.gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss / 2 ** 20, heapUsed: m.heapUsed / 2 ** 20 };
}

async function reloads() {
  const s = await site(true);
  const file = path.join(s.dir, "htdocs", "handler.ts");
  let running = true;
  const background = (async () => {
    while (running) await get(s.port, "/other/");
  })();
  await get(s.port, "/");
  const start = memory();
  const times = [];
  // TypeScript's compiler grows the process by ~100-200 MiB over its first few hundred
  // transpiles, then stays there (measured with transpileModule alone, no module evaluated):
  // that warm-up is reported apart from the growth the reloads themselves cause.
  let before = start;
  const samples = [];
  for (let v = 1; v <= WARMUP + RELOADS; v++) {
    if (v === WARMUP + 1) {
      await new Promise((r) => setImmediate(r));
      before = memory();
      times.length = 0;
    }
    const expected = `v${v}`;
    const saved = process.hrtime.bigint();
    fs.writeFileSync(file, handler(expected));
    while ((await get(s.port, "/")) !== expected) {
      /* the first request that shows the new code ends the measurement */
    }
    times.push(Number(process.hrtime.bigint() - saved) / 1e6);
    if (v > WARMUP && (v - WARMUP) % 100 === 0) samples.push(Math.round(memory().rss - before.rss));
  }
  await new Promise((r) => setImmediate(r));
  const after = memory();
  running = false;
  await background;
  await s.server.close(1000);
  fs.rmSync(s.dir, { recursive: true, force: true });
  times.sort((a, b) => a - b);
  return {
    reloads: RELOADS,
    saveToNewCodeMs: { p50: percentile(times, 50), p90: percentile(times, 90), p99: percentile(times, 99), max: times[times.length - 1] },
    warmupReloads: WARMUP,
    rssGrowthDuringWarmupMiB: before.rss - start.rss,
    rssGrowthMiB: after.rss - before.rss,
    rssGrowthEvery100MiB: samples,
    heapUsedGrowthMiB: after.heapUsed - before.heapUsed,
  };
}

async function hello(autoReload) {
  const s = await site(autoReload);
  await get(s.port, "/");
  let count = 0;
  const until = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (Date.now() < until) {
        await get(s.port, "/");
        count++;
      }
    }),
  );
  await s.server.close(1000);
  fs.rmSync(s.dir, { recursive: true, force: true });
  return count / SECONDS;
}

async function main() {
  const reload = await reloads();
  // Alternate to spread drift over both settings.
  const on = [];
  const off = [];
  for (let i = 0; i < 2; i++) {
    off.push(await hello(false));
    on.push(await hello(true));
  }
  const avg = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  agent.destroy();
  process.stdout.write(
    JSON.stringify({ ...reload, hello: { autoReloadOnReqPerSec: avg(on), autoReloadOffReqPerSec: avg(off), onVsOff: avg(on) / avg(off) } }, null, 2) + "\n",
  );
}

main().catch((e) => {
  process.stderr.write(`${e.stack}\n`);
  process.exit(1);
});
