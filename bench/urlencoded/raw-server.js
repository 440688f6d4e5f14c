"use strict";
// The baseline: node:http collecting the body and parsing it with URLSearchParams.
const http = require("node:http");

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
    let fields = 0;
    for (const _ of form) fields++;
    res.setHeader("Content-Type", "application/json");
    res.end(JSON.stringify({ fields, city: form.get("city") }));
  });
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`raw listening on http://127.0.0.1:${server.address().port}\n`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
