"use strict";
const path = require("node:path");
const { startProcess, startTsmod } = require("../servers");

const QUERY = "/app/greet?name=bob&n=3";

/**
 * The publisher: a URL mapped to an exported function, its arguments bound from the query
 * string by parameter name, against a bare node:http server doing the same by hand.
 */
module.exports = {
  name: "publisher greet",
  goal: 0.8,
  startTsmod: async () => {
    const s = await startTsmod(path.join(__dirname, "tsmod.conf"));
    return { ...s, url: s.url + QUERY };
  },
  startRaw: async () => {
    const s = await startProcess([path.join(__dirname, "raw-server.js")]);
    return { ...s, url: s.url + QUERY };
  },
};
