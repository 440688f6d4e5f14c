"use strict";
const path = require("node:path");
const { startProcess, startTsmod } = require("../servers");

/** An Express 5 hello mounted with TsAppAlias, against the same app on its own node:http server. */
module.exports = {
  name: "express app",
  goal: 0.9,
  startTsmod: async () => {
    const s = await startTsmod(path.join(__dirname, "tsmod.conf"));
    return { ...s, url: s.url + "/app/hello" };
  },
  startRaw: async () => {
    const s = await startProcess([path.join(__dirname, "raw-server.js")]);
    return { ...s, url: s.url + "/hello" };
  },
};
