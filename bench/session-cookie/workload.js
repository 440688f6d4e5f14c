"use strict";
const { sessionWorkload } = require("../session-common/workload");

/** A page reading and writing one session value in a sealed cookie, against node:http without sessions. */
module.exports = sessionWorkload({ name: "session cookie", dir: __dirname });
