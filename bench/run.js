"use strict";
/**
 * `npm run bench`: each workload's tsmod server and its raw node:http equivalent are measured
 * in the same run, alternately, and reported as requests/s and the ratio tsmod / raw.
 * Options: BENCH_SECONDS (default 5), BENCH_CONNECTIONS (default 50), BENCH_ROUNDS (default 2),
 * and workload names as arguments to run only those. A workload may describe its request
 * (`request: { method, headers, body, connectionHeaders }`); the default is a plain GET. A
 * workload that cannot run here (a database not configured) says why in `skip`. Plain GET
 * workloads (a GET with fixed headers too) are driven by wrk when it is installed (BENCH_CLIENT=node forces the Node client). With no names given,
 * the upload benchmark (`upload.js`, a throughput and memory measurement, not a ratio) and the
 * reload benchmark (`reload.js`: save-to-new-code latency, RSS growth, TsAutoReload On vs Off) run last.
 */
const { spawn, spawnSync } = require("node:child_process");
const path = require("node:path");

const WORKLOADS = ["hello", "psp", "urlencoded", "publisher", "static", "proxy", "session-memory", "session-sqlite", "session-cookie", "session-postgres", "secret", "app-express", "app-hono", "daemon-app"];

/** wrk (Debian's package) when installed: far lighter than a Node client, so ratios are not client-bound. */
const WRK = (() => {
  const r = spawnSync("wrk", ["--version"], { encoding: "utf8" });
  return r.error ? null : "wrk";
})();

function measure(url, seconds, connections, request = {}) {
  // GETs with fixed headers (an Authorization) are wrk's too: -H sends them on every request.
  const plain = !request.method && !request.body && !request.connectionHeaders;
  if (WRK && plain && process.env.BENCH_CLIENT !== "node") return measureWrk(url, seconds, connections, request.headers);
  return new Promise((resolve, reject) => {
    const args = [path.join(__dirname, "load.js"), url, String(seconds), String(connections), JSON.stringify(request)];
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load generator exited with ${code}`))));
  });
}

function measureWrk(url, seconds, connections, headers = {}) {
  return new Promise((resolve, reject) => {
    const headerArgs = Object.entries(headers).flatMap(([name, value]) => ["-H", `${name}: ${value}`]);
    const child = spawn(WRK, ["-t1", `-c${connections}`, `-d${seconds}s`, ...headerArgs, url], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("exit", (code) => {
      const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
      const bad = /Non-2xx or 3xx responses:\s+(\d+)/.exec(out);
      const failed = /Socket errors:.*?(\d+)/.exec(out);
      if (code !== 0 || !rps) return reject(new Error(`wrk failed (${code}): ${out}`));
      resolve({ rps: Number(rps[1]), errors: (bad ? Number(bad[1]) : 0) + (failed ? Number(failed[1]) : 0) });
    });
  });
}

async function run(name, seconds, connections, rounds) {
  const w = require(path.join(__dirname, name, "workload.js"));
  if (w.skip) return console.log(`${w.name.padEnd(24)} skipped: ${w.skip}`);
  const tsmod = await w.startTsmod();
  const raw = await w.startRaw();
  try {
    // Warm-up: compile handlers, fill caches, let the JIT settle.
    await measure(tsmod.url, 1, connections, w.request);
    await measure(raw.url, 1, connections, w.request);
    let t = 0;
    let r = 0;
    let errors = 0;
    // Each round's ratio too: on a shared machine both servers' throughput swings between rounds.
    const perRound = [];
    for (let i = 0; i < rounds; i++) {
      const a = await measure(raw.url, seconds, connections, w.request);
      const b = await measure(tsmod.url, seconds, connections, w.request);
      r += a.rps;
      t += b.rps;
      errors += a.errors + b.errors;
      perRound.push((b.rps / a.rps).toFixed(2));
    }
    const ratio = t / r;
    const goal = w.goal ? ` (goal >= ${w.goal.toFixed(2)}${ratio >= w.goal ? ", met" : ", NOT met"})` : "";
    console.log(`${w.name.padEnd(24)} tsmod ${(t / rounds).toFixed(0).padStart(7)} req/s   node:http ${(r / rounds).toFixed(0).padStart(7)} req/s   ratio ${ratio.toFixed(2)}${goal}   rounds ${perRound.join(" ")}${errors ? `   errors ${errors}` : ""}`);
  } finally {
    await tsmod.stop();
    await raw.stop();
  }
}

/** `bench/reload.js` needs `--expose-gc`, so it runs in its own process; BENCH_RELOADS sets the count. */
function runReloadBenchmark() {
  const reloads = process.env.BENCH_RELOADS || "1000";
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--expose-gc", path.join(__dirname, "reload.js"), reloads], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("exit", () => {
      console.log(`module reload           ${out.trim()}`);
      resolve();
    });
  });
}

async function main() {
  const seconds = Number(process.env.BENCH_SECONDS) || 5;
  const connections = Number(process.env.BENCH_CONNECTIONS) || 50;
  const rounds = Number(process.env.BENCH_ROUNDS) || 2;
  const selected = process.argv.slice(2);
  const names = selected.length ? selected : WORKLOADS;
  const client = WRK && process.env.BENCH_CLIENT !== "node" ? "wrk for plain GETs, bench/load.js (Node) for the others" : "bench/load.js (Node)";
  console.log(`tsmod benchmarks: ${seconds}s x ${rounds} rounds, ${connections} keep-alive connections, load generator in its own process: ${client}`);
  for (const name of names) await run(name, seconds, connections, rounds);
  if (!selected.length) {
    await require("./upload").main();
    await runReloadBenchmark();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
