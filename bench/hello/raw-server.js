"use strict";
// The baseline: the same answer from a bare node:http server.
const http = require("node:http");
const server = http.createServer((req, res) => {
  res.setHeader("Content-Type", "application/json");
  res.end('{"hello":"world"}');
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`raw listening on http://127.0.0.1:${server.address().port}\n`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
