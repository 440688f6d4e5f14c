"use strict";
// The baseline: the same greeting from a bare node:http server that parses the query itself.
const http = require("node:http");

function greet(name, n = "1") {
  return `Hello, ${name}! `.repeat(Number(n));
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, "http://localhost");
  if (url.pathname !== "/app/greet" || !url.searchParams.has("name")) {
    res.statusCode = 404;
    return res.end();
  }
  res.setHeader("Content-Type", "text/plain; charset=utf-8");
  res.end(greet(url.searchParams.get("name"), url.searchParams.get("n") ?? undefined));
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`raw listening on http://127.0.0.1:${server.address().port}\n`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
