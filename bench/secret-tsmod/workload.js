"use strict";
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { startProcess, startTsmod, ROOT } = require("../servers");

const USER = "bench";
const PASSWORD = "secret-password";

/**
 * Basic auth against the tsmod user database (`AuthBasicProvider tsmod`, SQLite, scrypt) in
 * front of the hello handler, against bare node:http doing a plain string comparison. The
 * verified-credential cache is what makes this close: scrypt runs once per user, not per request.
 */
module.exports = {
  name: "secret (Basic, tsmod db)",
  goal: 0.85,
  request: { headers: { authorization: "Basic " + Buffer.from(`${USER}:${PASSWORD}`).toString("base64") } },
  startTsmod: async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsmod-bench-secret-"));
    const conf = path.join(dir, "tsmod.conf");
    fs.writeFileSync(
      conf,
      `Listen 127.0.0.1:0
ServerName bench
DocumentRoot ${dir}
ErrorLog stderr
TsOption tsmod.auth.database ${path.join(dir, "users.db")}
<Location /secret>
  SetHandler tsmod
  TsHandler ${path.join(__dirname, "../hello/hello")}
  AuthType Basic
  AuthName bench
  AuthBasicProvider tsmod
  Require valid-user
</Location>
`,
    );
    execFileSync(process.execPath, [path.join(ROOT, "bin/tsmod.js"), "passwd", "-f", conf, "--stdin", USER], { input: `${PASSWORD}\n` });
    const s = await startTsmod(conf);
    return { ...s, url: s.url + "/secret", stop: () => s.stop().then(() => fs.rmSync(dir, { recursive: true, force: true })) };
  },
  startRaw: () => startProcess([path.join(__dirname, "../secret/raw-server.js")]),
};
