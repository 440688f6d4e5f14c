"use strict";
/** Starting and stopping the servers a workload compares, each in its own process. */
const { spawn } = require("node:child_process");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");

/** Starts `node args...` and resolves with the first `http://...` URL it prints. */
function startProcess(args, { cwd = ROOT, env = process.env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`no URL from ${args.join(" ")}: ${out}${err}`)), 15000);
    child.stdout.on("data", (d) => {
      out += d;
      // Up to the line end: a chunk may end inside the port number.
      const m = /(http:\/\/\S+)\s/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1], pid: child.pid, stop: () => stop(child) });
      }
    });
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(" ")} exited with ${code}: ${err}`));
    });
  });
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

/** A tsmod server for a configuration file (its `Listen` should be `127.0.0.1:0`). */
function startTsmod(configFile) {
  return startProcess([path.join(ROOT, "bin/tsmod.js"), "serve", "-f", configFile]);
}

module.exports = { startProcess, startTsmod, ROOT };
