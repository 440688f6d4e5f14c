"use strict";
// The baseline: the same page rendered with Eta directly by a bare node:http server, the
// template compiled once, the form value read from the query string.
const http = require("node:http");
const { Eta } = require("eta");

const eta = new Eta({ autoEscape: true, autoTrim: false });
const page = eta.compile(`<% const items = ["alpha", "beta", "gamma"]; %><!doctype html>
<title>PSP benchmark</title>
<h1>Hello, <%= it.name %></h1>
<ul>
<% for (const item of items) { %>  <li><%= item %></li>
<% } %></ul>
`);

const server = http.createServer((req, res) => {
  const query = req.url.indexOf("?");
  const params = new URLSearchParams(query < 0 ? "" : req.url.slice(query + 1));
  res.setHeader("Content-Type", "text/html; charset=utf-8");
  res.end(eta.render(page, { name: params.get("name") ?? "nobody" }));
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`raw listening on http://127.0.0.1:${server.address().port}\n`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
