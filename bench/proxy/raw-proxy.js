"use strict";
// The baseline: a bare node:http reverse proxy doing the same job as tsmod's ProxyPass (keep-alive
// connections to the backend, headers copied, X-Forwarded-For added, bodies piped both ways).
const http = require("node:http");
const backend = new URL(process.argv[2]);
const agent = new http.Agent({ keepAlive: true });
const HOP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "te", "trailer", "proxy-connection"]);
const server = http.createServer((req, res) => {
  const headers = {};
  for (const [k, v] of Object.entries(req.headers)) if (!HOP.has(k)) headers[k] = v;
  headers.host = backend.host;
  headers["x-forwarded-for"] = req.socket.remoteAddress;
  const out = http.request({ host: backend.hostname, port: backend.port, method: req.method, path: "/back" + req.url, headers, agent }, (r) => {
    const h = {};
    for (const [k, v] of Object.entries(r.headers)) if (!HOP.has(k)) h[k] = v;
    res.writeHead(r.statusCode, h);
    r.pipe(res);
  });
  out.on("error", () => {
    res.statusCode = 502;
    res.end();
  });
  req.pipe(out);
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`raw proxy listening on http://127.0.0.1:${server.address().port}\n`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
