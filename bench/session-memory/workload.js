"use strict";
const { sessionWorkload } = require("../session-common/workload");

/** A page reading and writing one session value in the memory store, against node:http without sessions. */
module.exports = sessionWorkload({ name: "session memory", dir: __dirname });
