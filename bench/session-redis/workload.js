"use strict";
const { randomBytes } = require("node:crypto");
const { sessionWorkload } = require("../session-common/workload");

const url = process.env.TSMOD_TEST_REDIS_URL;
/** Keys of this run's own, removed afterwards. */
const prefix = `tsmod-bench:${randomBytes(4).toString("hex")}:`;

async function dropKeys() {
  const Redis = require("ioredis");
  const admin = new Redis(url);
  try {
    const keys = await admin.keys(`${prefix}*`);
    for (let i = 0; i < keys.length; i += 1000) await admin.del(...keys.slice(i, i + 1000));
  } finally {
    admin.disconnect();
  }
}

/**
 * A page reading and writing one session value in Redis (TSMOD_TEST_REDIS_URL), against
 * node:http without sessions and express-session + connect-redis. Without the variable the
 * workload is skipped.
 */
module.exports = url
  ? sessionWorkload({
      name: "session redis",
      dir: __dirname,
      extraConfig: `TsOption tsmod.session.url ${url}\nTsOption tsmod.session.key_prefix ${prefix}tsmod:`,
      cleanup: dropKeys,
      peer: { name: "express-session + connect-redis", script: "express-session.js", args: ["redis", url, `${prefix}peer:`], goal: 1.5 },
    })
  : { name: "session redis", skip: "TSMOD_TEST_REDIS_URL not set" };
