"use strict";
// The baseline: a counter of the same size from a bare node:http server, with no session.
const http = require("node:http");
let n = 0;
const server = http.createServer((req, res) => {
  res.setHeader("Content-Type", "text/plain");
  res.end(String(++n));
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`raw listening on http://127.0.0.1:${server.address().port}\n`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
