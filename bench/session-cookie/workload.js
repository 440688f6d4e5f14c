"use strict";
const { sessionWorkload } = require("../session-common/workload");

/** A page reading and writing one session value in a sealed cookie, against node:http without sessions and fastify's sealed sessions. */
module.exports = sessionWorkload({
  name: "session cookie",
  dir: __dirname,
  peer: { name: "fastify + @fastify/secure-session", script: "fastify-secure-session.js", goal: 1.0 },
});
