"use strict";
// The backend both proxies forward to: a small JSON answer from bare node:http.
const http = require("node:http");
const body = JSON.stringify({ hello: "world", from: "backend" });
const server = http.createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res.setHeader("Content-Type", "application/json");
    res.setHeader("Content-Length", Buffer.byteLength(body));
    res.end(body);
  });
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`backend listening on http://127.0.0.1:${server.address().port}\n`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
