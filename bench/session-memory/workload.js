"use strict";
const { sessionWorkload } = require("../session-common/workload");

/** A page reading and writing one session value in the memory store, against node:http without sessions and express-session's MemoryStore. */
module.exports = sessionWorkload({
  name: "session memory",
  dir: __dirname,
  peer: { name: "express-session MemoryStore", script: "express-session.js", args: ["memory"], goal: 1.0 },
});
