"use strict";
// The baseline: the app as Hono's own Node adapter serves it.
const { serve } = require("@hono/node-server");
const server = serve({ fetch: require("./app").fetch, port: 0, hostname: "127.0.0.1" }, (info) => process.stdout.write(`raw listening on http://127.0.0.1:${info.port}\n`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
