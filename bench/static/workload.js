"use strict";
const path = require("node:path");
const { startProcess, startTsmod } = require("../servers");

/**
 * A 16 kB static page from the default handler (mapping, root containment, validators,
 * streaming), against bare node:http doing stat + fs.createReadStream.
 */
module.exports = {
  name: "static file (16 kB)",
  goal: 1.5,
  startTsmod: async () => {
    const s = await startTsmod(path.join(__dirname, "tsmod.conf"));
    return { ...s, url: s.url + "/page.html" };
  },
  startRaw: async () => {
    const s = await startProcess([path.join(__dirname, "raw-server.js")]);
    return { ...s, url: s.url + "/page.html" };
  },
};
