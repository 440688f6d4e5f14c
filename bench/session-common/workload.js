"use strict";
const fs = require("node:fs");
const http = require("node:http");
const os = require("node:os");
const path = require("node:path");
const { startProcess, startTsmod } = require("../servers");

/**
 * Sessions created before measuring: one per load connection (connection i sends cookie
 * i mod SESSIONS), so the numbers show the cost of a session, not 50 connections queueing
 * for the lock of one.
 */
const SESSIONS = Number(process.env.BENCH_CONNECTIONS) || 50;

/** The first request of a session: answers with its Set-Cookie. */
function createSession(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        res.resume();
        const cookie = (res.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]).find((c) => c.startsWith("tsmodsid="));
        if (res.statusCode === 200 && cookie) resolve(cookie);
        else reject(new Error(`creating a session at ${url}: status ${res.statusCode}, no tsmodsid cookie`));
      })
      .on("error", reject);
  });
}

/**
 * A session workload for the store configured by `dir`/tsmod.conf. `extraConfig` (lines) is
 * appended in a copy of that file for values known only at run time; `cleanup` runs after
 * the server stopped.
 */
function sessionWorkload({ name, dir, extraConfig, cleanup }) {
  const workload = {
    name,
    request: { connectionHeaders: [] },
    startTsmod: async () => {
      let conf = path.join(dir, "tsmod.conf");
      let tmp;
      if (extraConfig) {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tsmod-bench-"));
        const text = `ServerRoot ${dir}\n${fs.readFileSync(conf, "utf8")}\n${extraConfig}\n`;
        conf = path.join(tmp, "tsmod.conf");
        fs.writeFileSync(conf, text);
      }
      const s = await startTsmod(conf);
      const url = s.url + "/page";
      const cookies = [];
      for (let i = 0; i < SESSIONS; i++) cookies.push(await createSession(url));
      workload.request.connectionHeaders = cookies.map((cookie) => ({ cookie }));
      return {
        url,
        stop: async () => {
          await s.stop();
          fs.rmSync(path.join(dir, "data"), { recursive: true, force: true }); // the SQLite default folder
          if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
          await cleanup?.();
        },
      };
    },
    startRaw: async () => {
      const s = await startProcess([path.join(__dirname, "raw-server.js")]);
      return { url: s.url + "/page", stop: s.stop };
    },
  };
  return workload;
}

module.exports = { sessionWorkload };
