"use strict";
// The baseline: the app on its own node:http server, as `app.listen` would run it.
const http = require("node:http");
const server = http.createServer(require("./app"));
server.listen(0, "127.0.0.1", () => process.stdout.write(`raw listening on http://127.0.0.1:${server.address().port}\n`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
