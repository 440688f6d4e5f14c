"use strict";
const path = require("node:path");
const { startProcess, startTsmod } = require("../servers");

/** The hello handler: one TsHandler writing a small JSON body, against bare node:http. */
module.exports = {
  name: "hello handler",
  goal: 0.9,
  startTsmod: async () => {
    const s = await startTsmod(path.join(__dirname, "tsmod.conf"));
    return { ...s, url: s.url + "/hello" };
  },
  startRaw: () => startProcess([path.join(__dirname, "raw-server.js")]),
};
