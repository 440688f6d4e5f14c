"use strict";
const { randomBytes } = require("node:crypto");
const { sessionWorkload } = require("../session-common/workload");

const url = process.env.TSMOD_TEST_PG_URL;
/** Its own schema per run, dropped afterwards. */
const schema = `tsmod_bench_${randomBytes(4).toString("hex")}`;

async function dropSchema() {
  const { Client } = require("pg");
  const admin = new Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`drop schema if exists "${schema}" cascade`);
    await admin.query(`drop schema if exists "${schema}_peer" cascade`);
  } finally {
    await admin.end();
  }
}

/**
 * A page reading and writing one session value in PostgreSQL (TSMOD_TEST_PG_URL), against
 * node:http without sessions and express-session + connect-pg-simple. Without the variable
 * the workload is skipped.
 */
module.exports = url
  ? sessionWorkload({
      name: "session postgres",
      dir: __dirname,
      extraConfig: `TsOption tsmod.session.database ${url}\nTsOption tsmod.session.schema ${schema}`,
      cleanup: dropSchema,
      peer: { name: "express-session + connect-pg-simple", script: "express-session.js", args: ["postgres", url, `${schema}_peer`], goal: 1.5 },
    })
  : { name: "session postgres", skip: "TSMOD_TEST_PG_URL not set" };
