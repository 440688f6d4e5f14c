"use strict";
const path = require("node:path");
const { startTsmod } = require("../servers");

/**
 * The same app in a daemon group (one process) against the server's own process: the cost of
 * the extra hop. "node:http" in the report is tsmod serving the app in-process here.
 */
module.exports = {
  name: "daemon group app",
  goal: 0.7,
  startTsmod: async () => {
    const s = await startTsmod(path.join(__dirname, "tsmod.conf"));
    return { ...s, url: s.url + "/daemon/hello" };
  },
  startRaw: async () => {
    const s = await startTsmod(path.join(__dirname, "tsmod.conf"));
    return { ...s, url: s.url + "/main/hello" };
  },
};
