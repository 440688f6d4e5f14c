"use strict";
/**
 * Upload benchmark: streams one multipart/form-data upload of BENCH_UPLOAD_MB MiB (default
 * 1024), generated on the fly and never held in memory, to a tsmod handler that reads it with
 * `req.form()`. Reports the throughput (goal >= 150 MiB/s) and the server's peak resident set
 * size (goal < 100 MB): the peak sampled inside the handler while the body streamed in (with
 * the size before it, so the upload's own share shows), and the process's high-water mark
 * over its whole life (VmHWM, Linux only); once for a server that has just started, once for
 * one in service (see `measure`). The ArrayBuffer peak is most of that share: node:http
 * hands each body chunk over in a buffer of its own, freed when V8 next collects garbage.
 */
const fs = require("node:fs");
const http = require("node:http");
const path = require("node:path");
const { Readable } = require("node:stream");
const { startTsmod } = require("./servers");

const GOAL_MIB_S = 150;
const GOAL_RSS_MB = 100;
const CHUNK = 1024 * 1024;

/** The multipart body: a preamble, `mib` MiB of file content, the closing delimiter. */
function multipartBody(mib) {
  const boundary = "tsmod-bench-" + Math.random().toString(16).slice(2);
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n` +
      `Content-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  // One reused chunk of bytes that cannot form the delimiter ("\r\n--...").
  const block = Buffer.alloc(CHUNK, "tsmod upload benchmark data ");
  let sent = 0;
  const stream = Readable.from(
    (function* () {
      yield head;
      for (; sent < mib; sent++) yield block;
      yield tail;
    })(),
    { objectMode: false },
  );
  return { stream, boundary, length: head.length + mib * CHUNK + tail.length };
}

function upload(url, mib) {
  const body = multipartBody(mib);
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: "POST",
      headers: { "content-type": `multipart/form-data; boundary=${body.boundary}`, "content-length": String(body.length) },
    });
    req.on("response", (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (text += d));
      res.on("end", () => (res.statusCode === 200 ? resolve(JSON.parse(text)) : reject(new Error(`HTTP ${res.statusCode}: ${text.slice(0, 300)}`))));
    });
    req.on("error", reject);
    body.stream.pipe(req);
  });
}

/** The process's peak resident set size in bytes, from /proc (Linux), or null. */
function highWaterMark(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * One 1 GiB upload to a server of its own, `idleMs` after its warm-up request. V8 shrinks its
 * young generation in the first idle moment some 8 s after start-up, which changes when its
 * own GCs come; a server in service has long passed that point, one that has just started has
 * not. Both are reported.
 */
async function measure(label, mib, idleMs) {
  const server = await startTsmod(path.join(__dirname, "upload-server", "tsmod.conf"));
  try {
    // Warm-up: compile the handler, so the measurement is the upload alone.
    await upload(server.url + "/upload", 1);
    await new Promise((resolve) => setTimeout(resolve, idleMs));
    const started = process.hrtime.bigint();
    const result = await upload(server.url + "/upload", mib);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const hwm = highWaterMark(server.pid);
    if (result.size !== mib * CHUNK) throw new Error(`the server saw ${result.size} bytes, not ${mib * CHUNK}`);
    const rate = mib / seconds;
    const mb = (n) => (n / 1e6).toFixed(0);
    const verdict = (ok) => (ok ? "met" : "NOT met");
    console.log(
      `${label.padEnd(24)} ${mib} MiB in ${seconds.toFixed(2)} s: ${rate.toFixed(0)} MiB/s ` +
        `(goal >= ${GOAL_MIB_S}, ${verdict(rate >= GOAL_MIB_S)})   ` +
        `server RSS peak ${mb(result.peakRss)} MB (goal < ${GOAL_RSS_MB}, ${verdict(result.peakRss < GOAL_RSS_MB * 1e6)}; ` +
        `${mb(result.startRss)} MB before the upload, +${mb(result.peakRss - result.startRss)} MB during it; ` +
        `ArrayBuffers up to ${mb(result.peakArrayBuffers)} MB)` +
        (hwm === null ? "" : `, process high-water mark ${mb(hwm)} MB`),
    );
  } finally {
    await server.stop();
  }
}

async function main() {
  const mib = Number(process.env.BENCH_UPLOAD_MB) || 1024;
  await measure("upload, just started", mib, 0);
  await measure("upload, in service", mib, Number(process.env.BENCH_UPLOAD_IDLE_MS) || 10_000);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}

module.exports = { main };
