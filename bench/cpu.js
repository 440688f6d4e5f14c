"use strict";
/**
 * `node bench/cpu.js [workload...]`: the server's CPU time per request (user + system, read from
 * /proc for the server's process) for each workload, tsmod and its raw node:http equivalent in
 * the same run, alternately. Throughput moves with whatever else the machine does; CPU time per
 * request moves much less, so this is the figure to compare two versions of tsmod by (run it in
 * each checkout). Options as run.js: BENCH_SECONDS (default 5), BENCH_CONNECTIONS (default 50),
 * BENCH_ROUNDS (default 3). Linux only.
 */
const fs = require("node:fs");
const { spawn } = require("node:child_process");
const path = require("node:path");

const WORKLOADS = ["hello", "psp", "publisher", "static", "urlencoded", "proxy", "session-memory", "session-sqlite", "session-cookie"];
const TICKS_PER_SECOND = 100;

/** CPU seconds a process (and its threads) has used. */
function cpuSeconds(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /, "").split(" ");
  // utime and stime are fields 14 and 15 of stat(5); the slice above starts at field 3.
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

function load(url, seconds, connections, request) {
  return new Promise((resolve, reject) => {
    const args = [path.join(__dirname, "load.js"), url, String(seconds), String(connections), JSON.stringify(request ?? {})];
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load generator exited with ${code}`))));
  });
}

/** µs of server CPU per successful request; null when any request failed (no figure from a broken run). */
async function cpuPerRequest(server, seconds, connections, request) {
  const before = cpuSeconds(server.pid);
  const r = await load(server.url, seconds, connections, request);
  const used = cpuSeconds(server.pid) - before;
  return r.errors > 0 || r.requests === 0 ? null : (used * 1e6) / r.requests;
}

async function run(name, seconds, connections, rounds) {
  const w = require(path.join(__dirname, name, "workload.js"));
  if (w.skip) return console.log(`${w.name.padEnd(24)} skipped: ${w.skip}`);
  const tsmod = await w.startTsmod();
  const raw = await w.startRaw();
  try {
    await load(tsmod.url, 1, connections, w.request);
    await load(raw.url, 1, connections, w.request);
    const t = [];
    const r = [];
    for (let i = 0; i < rounds; i++) {
      // Alternate which goes first: the second of a pair may meet a warmer (or busier) machine.
      const pair = i % 2 === 0 ? [tsmod, raw] : [raw, tsmod];
      for (const server of pair) (server === tsmod ? t : r).push(await cpuPerRequest(server, seconds, connections, w.request));
    }
    const show = (xs) => xs.map((x) => (x === null ? "errors" : x.toFixed(0))).join(" ");
    const ok = [...t, ...r].every((x) => x !== null);
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const ratio = ok ? (median(r) / median(t)).toFixed(2) : "-";
    console.log(`${w.name.padEnd(24)} tsmod ${show(t).padEnd(18)} µs/request   raw ${show(r).padEnd(18)} µs/request   raw/tsmod ${ratio}`);
  } finally {
    await tsmod.stop();
    await raw.stop();
  }
}

async function main() {
  const seconds = Number(process.env.BENCH_SECONDS) || 5;
  const connections = Number(process.env.BENCH_CONNECTIONS) || 50;
  const rounds = Number(process.env.BENCH_ROUNDS) || 3;
  const names = process.argv.slice(2).length ? process.argv.slice(2) : WORKLOADS;
  for (const name of names) await run(name, seconds, connections, rounds);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
