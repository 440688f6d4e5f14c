"use strict";
const path = require("node:path");
const { startProcess, startTsmod } = require("../servers");

/**
 * Basic auth with no code (`AuthUserFile` with a bcrypt entry, `Require valid-user`) in front of
 * the hello handler, against bare node:http doing a plain string comparison of the header. The
 * credential cache is what makes this close: bcrypt runs once, not per request.
 */
module.exports = {
  name: "secret (Basic, bcrypt)",
  goal: 0.85,
  request: { headers: { authorization: "Basic " + Buffer.from("bench:secret-password").toString("base64") } },
  startTsmod: async () => {
    const s = await startTsmod(path.join(__dirname, "tsmod.conf"));
    return { ...s, url: s.url + "/secret" };
  },
  startRaw: () => startProcess([path.join(__dirname, "raw-server.js")]),
};
