"use strict";
// The baseline: bare node:http comparing the Authorization header with a fixed string.
const http = require("node:http");
const EXPECTED = "Basic " + Buffer.from("bench:secret-password").toString("base64");
const server = http.createServer((req, res) => {
  if (req.headers.authorization !== EXPECTED) {
    res.writeHead(401, { "WWW-Authenticate": 'Basic realm="bench"' });
    return res.end();
  }
  res.setHeader("Content-Type", "application/json");
  res.end('{"hello":"world"}');
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`raw listening on http://127.0.0.1:${server.address().port}\n`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
