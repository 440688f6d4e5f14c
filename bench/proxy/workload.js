"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { startProcess, startTsmod } = require("../servers");

/** Starts the backend, then `front(backendUrl)`; stopping stops both. */
async function withBackend(front) {
  const backend = await startProcess([path.join(__dirname, "backend.js")]);
  try {
    const s = await front(backend.url);
    return { ...s, url: s.url + "/app/data", stop: () => Promise.all([s.stop(), backend.stop()]) };
  } catch (e) {
    await backend.stop();
    throw e;
  }
}

/**
 * A proxied GET: tsmod's ProxyPass (every phase, X-Forwarded-*, hop-by-hop filtering,
 * ProxyPassReverse, streaming through the output) against a bare node:http reverse proxy,
 * both in front of the same node:http backend.
 */
module.exports = {
  name: "reverse proxy",
  startTsmod: () =>
    withBackend((backendUrl) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsmod-bench-proxy-"));
      const conf = path.join(dir, "tsmod.conf");
      fs.writeFileSync(
        conf,
        `Listen 127.0.0.1:0\nServerName bench\nDocumentRoot ${dir}\nErrorLog stderr\n` +
          `ProxyPass /app ${backendUrl}/back\nProxyPassReverse /app ${backendUrl}/back\n`,
      );
      return startTsmod(conf);
    }),
  startRaw: () => withBackend((backendUrl) => startProcess([path.join(__dirname, "raw-proxy.js"), backendUrl])),
};
