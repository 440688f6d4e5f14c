"use strict";
const { sessionWorkload } = require("../session-common/workload");

/** A page reading and writing one session value in SQLite (the default store), against node:http without sessions. */
module.exports = sessionWorkload({ name: "session sqlite", dir: __dirname });
