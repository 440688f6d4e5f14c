"use strict";
/**
 * The peer of tsmod's server-side session stores: express-session (the usual Node choice)
 * on a bare node:http server, with the store named by argv[2]: memory, postgres (argv[3]: URL,
 * argv[4]: schema; connect-pg-simple) or redis (argv[3]: URL, argv[4]: key prefix;
 * connect-redis on ioredis). The page does what bench/session-common/page.ts does.
 */
const http = require("node:http");
const session = require("express-session");

const [kind, url, namespace] = process.argv.slice(2);

async function makeStore() {
  if (kind === "memory") return new session.MemoryStore();
  if (kind === "postgres") {
    const { Pool } = require("pg");
    const pool = new Pool({ connectionString: url });
    await pool.query(`create schema if not exists "${namespace}"`);
    const PgStore = require("connect-pg-simple")(session);
    return new PgStore({ pool, schemaName: namespace, createTableIfMissing: true });
  }
  if (kind === "redis") {
    const Redis = require("ioredis");
    const { RedisStore } = require("connect-redis");
    return new RedisStore({ client: new Redis(url), prefix: namespace });
  }
  throw new Error(`unknown store ${kind}`);
}

makeStore().then((store) => {
  const middleware = session({ store, name: "peersid", secret: "bench-secret-of-at-least-32-characters", resave: false, saveUninitialized: false });
  const server = http.createServer((req, res) =>
    middleware(req, res, () => {
      req.session.n = (req.session.n ?? 0) + 1;
      res.setHeader("Content-Type", "text/plain");
      res.end(String(req.session.n));
    }),
  );
  server.listen(0, "127.0.0.1", () => process.stdout.write(`express-session listening on http://127.0.0.1:${server.address().port}\n`));
  process.on("SIGTERM", () => server.close(() => process.exit(0)));
});
