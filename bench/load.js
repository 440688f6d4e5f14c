"use strict";
/**
 * A small closed-loop HTTP load generator: `connections` keep-alive connections, each sending
 * its next request as soon as the previous answer is complete. Runs in its own process so the
 * server under test gets a core of its own where the machine has two.
 */
const http = require("node:http");

/**
 * `method`, `headers` and `body` describe the request every connection sends over and over
 * (a workload's `request` field); a body gets its Content-Length set here. Connection i adds
 * `connectionHeaders[i mod length]` (e.g. a session cookie of its own), when given.
 */
async function load(url, { connections = 50, seconds = 5, method = "GET", headers = {}, body, connectionHeaders = [] } = {}) {
  const target = new URL(url);
  const payload = body === undefined ? null : Buffer.from(body);
  if (payload) headers = { ...headers, "content-length": String(payload.length) };
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const until = Date.now() + seconds * 1000;
  let done = 0;
  let errors = 0;
  const one = (headers) =>
    new Promise((resolve) => {
      const req = http.request(
        { host: target.hostname, port: target.port, path: target.pathname + target.search, method, headers, agent },
        (res) => {
          res.on("data", () => {});
          res.on("end", () => {
            if (res.statusCode >= 200 && res.statusCode < 300) done++;
            else errors++;
            resolve();
          });
        },
      );
      req.on("error", () => {
        errors++;
        resolve();
      });
      req.end(payload ?? undefined);
    });
  const worker = async (i) => {
    const own = connectionHeaders.length ? { ...headers, ...connectionHeaders[i % connectionHeaders.length] } : headers;
    while (Date.now() < until) await one(own);
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: connections }, (_, i) => worker(i)));
  agent.destroy();
  const elapsed = (Date.now() - started) / 1000;
  return { requests: done, errors, rps: done / elapsed };
}

if (require.main === module) {
  const [url, seconds, connections, request] = process.argv.slice(2);
  const spec = request ? JSON.parse(request) : {};
  load(url, { ...spec, seconds: Number(seconds) || 5, connections: Number(connections) || 50 }).then((r) => {
    process.stdout.write(JSON.stringify(r) + "\n");
  });
}

module.exports = { load };
