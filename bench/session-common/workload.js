"use strict";
const fs = require("node:fs");
const http = require("node:http");
const os = require("node:os");
const path = require("node:path");
const { startProcess, startTsmod } = require("../servers");

/**
 * Sessions created before measuring, ten per load connection, taken in turn by the requests:
 * a session is used again only long after its previous answer, so the numbers show the cost
 * of a session, not connections queueing for the lock of one.
 */
const SESSIONS = 10 * (Number(process.env.BENCH_CONNECTIONS) || 50);

/** The sessions' cookies of the server at `url`, for the load generator. */
async function sessionHeaders(url, name) {
  const headers = [];
  for (let i = 0; i < SESSIONS; i++) headers.push({ cookie: await createSession(url, name) });
  return headers;
}

/** The first request of a session: answers with its Set-Cookie `name`. */
function createSession(url, name) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        res.resume();
        const cookie = (res.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]).find((c) => c.startsWith(`${name}=`));
        if (res.statusCode === 200 && cookie) resolve(cookie);
        else reject(new Error(`creating a session at ${url}: status ${res.statusCode}, no ${name} cookie`));
      })
      .on("error", reject);
  });
}

/**
 * A session workload for the store configured by `dir`/tsmod.conf. `extraConfig` (lines) is
 * appended in a copy of that file for values known only at run time; `cleanup` runs after
 * the server stopped. `peer`: `{ name, script, args, goal }`, the session library a user would
 * pick instead, a script of bench/session-peers started with `args` (its sessions are created
 * like tsmod's and sent in the same requests, each server its own cookies).
 */
function sessionWorkload({ name, dir, extraConfig, cleanup, peer }) {
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
      workload.request.connectionHeaders = await sessionHeaders(url, "tsmodsid");
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
      return { ...s, url: s.url + "/page" };
    },
  };
  if (peer) {
    workload.peers = [
      {
        name: peer.name,
        goal: peer.goal,
        start: async () => {
          const s = await startProcess([path.join(__dirname, "..", "session-peers", peer.script), ...(peer.args ?? [])]);
          const url = s.url + "/page";
          // One request list for both servers: each cookie header carries both sessions, under
          // names of their own (the peer's is peersid), and each server reads its own.
          const theirs = await sessionHeaders(url, "peersid");
          workload.request.connectionHeaders = workload.request.connectionHeaders.map((h, i) => ({ cookie: `${h.cookie}; ${theirs[i].cookie}` }));
          return { url, stop: s.stop };
        },
      },
    ];
  }
  return workload;
}

module.exports = { sessionWorkload };
