"use strict";
/**
 * `npm run bench`: each workload's tsmod server and its raw node:http equivalent are measured
 * in the same run, alternately, and reported as requests/s and the ratio tsmod / raw.
 * Options: BENCH_SECONDS (default 5), BENCH_CONNECTIONS (default 50), BENCH_ROUNDS (default 2),
 * and workload names as arguments to run only those. A workload may describe its request
 * (`request: { method, headers, body, connectionHeaders }`); the default is a plain GET. A
 * workload that cannot run here (a database not configured) says why in `skip`. Workloads
 * are driven by wrk when it is installed (BENCH_CLIENT=node forces the Node client); only 2xx
 * answers count as throughput. A workload may name `peers`, measured beside tsmod. With no names given,
 * the upload benchmark (`upload.js`, a throughput and memory measurement, not a ratio) and the
 * reload benchmark (`reload.js`: save-to-new-code latency, RSS growth, TsAutoReload On vs Off) run last.
 */
const { spawn, spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const WORKLOADS = ["hello", "psp", "urlencoded", "publisher", "static", "proxy", "session-memory", "session-sqlite", "session-cookie", "session-postgres", "session-redis", "secret", "secret-tsmod", "app-express", "app-hono", "daemon-app"];

/** wrk (Debian's package) when installed: far lighter than a Node client, so ratios are not client-bound. */
const WRK = (() => {
  const r = spawnSync("wrk", ["--version"], { encoding: "utf8" });
  return r.error ? null : "wrk";
})();

function measure(url, seconds, connections, request = {}) {
  if (WRK && process.env.BENCH_CLIENT !== "node") return measureWrk(url, seconds, connections, request);
  return new Promise((resolve, reject) => {
    const args = [path.join(__dirname, "load.js"), url, String(seconds), String(connections), JSON.stringify(request)];
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load generator exited with ${code}`))));
  });
}

/**
 * wrk's script for a workload's request: method, headers, body, and `connectionHeaders`
 * taken in turn per request (wrk has no per-connection hook; a workload gives many more
 * entries than connections, so an entry is reused only long after its last answer). It
 * counts every answer that is not a 2xx: those are errors, not throughput. (wrk.format sets
 * the Content-Length of a body itself.)
 */
function wrkScript({ method = "GET", headers = {}, body, connectionHeaders = [] }) {
  const lua = (v) => JSON.stringify(String(v)); // a JSON string is a valid Lua string literal here
  const table = (h) => `{${Object.entries(h).map(([k, v]) => `[${lua(k)}]=${lua(v)}`).join(",")}}`;
  return `
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init() bad = 0; n = 0 end
local base = ${table(headers)}
local per = {${connectionHeaders.map(table).join(",")}}
local body = ${body === undefined ? "nil" : lua(body)}
function request()
  local h = {}
  for k, v in pairs(base) do h[k] = v end
  if #per > 0 then n = n % #per + 1; for k, v in pairs(per[n]) do h[k] = v end end
  return wrk.format(${lua(method)}, nil, h, body)
end
function response(status) if status < 200 or status > 299 then bad = bad + 1 end end
function done()
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("bad") end
  io.write("non-2xx: " .. total .. "\\n")
end
`;
}

function measureWrk(url, seconds, connections, request) {
  const script = path.join(os.tmpdir(), `tsmod-bench-${process.pid}.lua`);
  fs.writeFileSync(script, wrkScript(request));
  return new Promise((resolve, reject) => {
    const child = spawn(WRK, ["-t1", `-c${connections}`, `-d${seconds}s`, "-s", script, url], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("exit", (code) => {
      const total = /(\d+) requests in ([\d.]+)(m?s)/.exec(out);
      const bad = /non-2xx: (\d+)/.exec(out);
      const failed = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
      if (code !== 0 || !total || !bad) return reject(new Error(`wrk failed (${code}): ${out}`));
      const elapsed = Number(total[2]) / (total[3] === "ms" ? 1000 : 1);
      const errors = Number(bad[1]) + (failed ? failed.slice(1).reduce((a, b) => a + Number(b), 0) : 0);
      resolve({ rps: (Number(total[1]) - Number(bad[1])) / elapsed, errors });
    });
  });
}

/**
 * Measures tsmod, the raw node:http baseline and the workload's peers (`peers: [{ name, start,
 * goal }]`, what a user would pick instead) in the same rounds, each round in the other order.
 * A figure with errors is reported without a ratio.
 */
async function run(name, seconds, connections, rounds) {
  const w = require(path.join(__dirname, name, "workload.js"));
  if (w.skip) return console.log(`${w.name.padEnd(24)} skipped: ${w.skip}`);
  const servers = [{ name: "tsmod" }, { name: "node:http" }, ...(w.peers ?? [])].map((s) => ({ ...s, rps: 0, errors: 0, rounds: [] }));
  const [tsmod, raw, ...peers] = servers;
  try {
    tsmod.server = await w.startTsmod();
    raw.server = await w.startRaw();
    for (const peer of peers) peer.server = await peer.start();
    // Warm-up: compile handlers, fill caches, let the JIT settle.
    for (const s of servers) await measure(s.server.url, 1, connections, w.request);
    for (let i = 0; i < rounds; i++) {
      const order = i % 2 === 0 ? servers : [...servers].reverse();
      for (const s of order) {
        const m = await measure(s.server.url, seconds, connections, w.request);
        s.rps += m.rps / rounds;
        s.errors += m.errors;
        s.rounds.push(m.rps);
      }
    }
    const ratio = (to, goal) => {
      if (tsmod.errors || to.errors) return `errors: tsmod ${tsmod.errors}, ${to.name} ${to.errors} (no ratio)`;
      const value = tsmod.rps / to.rps;
      const met = goal ? ` (goal >= ${goal.toFixed(2)}${value >= goal ? ", met" : ", NOT met"})` : "";
      const perRound = tsmod.rounds.map((t, r) => (t / to.rounds[r]).toFixed(2)).join(" ");
      return `ratio ${value.toFixed(2)}${met}   rounds ${perRound}`;
    };
    const rps = (s) => `${s.rps.toFixed(0).padStart(7)} req/s`;
    console.log(`${w.name.padEnd(24)} tsmod ${rps(tsmod)}   node:http ${rps(raw)}   ${ratio(raw, w.goal)}`);
    for (const peer of peers) console.log(`${"".padEnd(24)} vs ${peer.name.padEnd(36)} ${rps(peer)}   tsmod/peer ${ratio(peer, peer.goal)}`);
  } finally {
    for (const s of servers) await s.server?.stop();
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
  const client = WRK && process.env.BENCH_CLIENT !== "node" ? "wrk" : "bench/load.js (Node)";
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
