"use strict";
const path = require("node:path");
const { startProcess, startTsmod } = require("../servers");

/** A value that must come out escaped: the page shows it with `<%= %>`. */
const QUERY = "?name=" + encodeURIComponent('<script>alert("x")</script>');

/** A .psp page (3-item loop, one escaped form value) against node:http rendering it with Eta. */
module.exports = {
  name: "psp page",
  goal: 0.7,
  startTsmod: async () => {
    const s = await startTsmod(path.join(__dirname, "tsmod.conf"));
    return { ...s, url: s.url + "/page.psp" + QUERY };
  },
  startRaw: async () => {
    const s = await startProcess([path.join(__dirname, "raw-server.js")]);
    return { ...s, url: s.url + "/page" + QUERY };
  },
};
