/*
 * The rest of mod_python over a real server (issue 24; mod_python's test groups E, N, O, P):
 * the request, connection and server members, the process-level functions, interpreter
 * naming, server cleanups, the test handler and TsInspect. Each test names the mod_python
 * test or member it stands for.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { configErrors, loadConfig } from "../helpers/config";
import { request, startSite, writeTree, type TestSite } from "../helpers/site";

const SURFACE = `import * as tsmod from "tsmod";
import { OK, type Request } from "tsmod";

const CLEANUP_FILE = require("node:path").join(__dirname, "..", "cleanups.txt");

tsmod.registerCleanup((file: string) => require("node:fs").appendFileSync(file, "module cleanup\\n"), CLEANUP_FILE);

export async function handler(req: Request) {
  const c = req.connection;
  const s = req.server;
  const out: Record<string, unknown> = {};
  switch (req.pathInfo || req.uri.slice(req.uri.lastIndexOf("/"))) {
    case "/request":
      req.headersOut.set("Content-Encoding", "identity");
      req.headersOut.set("Content-Language", "en, fr");
      req.setContentLength(0);
      Object.assign(out, {
        parsedUri: req.parsedUri, clength: req.clength, range: req.range, contentEncoding: req.contentEncoding,
        contentLanguages: req.contentLanguages, proxyreq: req.proxyreq, usedPathInfo: req.usedPathInfo,
        canonicalFilename: req.canonicalFilename, filename: req.filename, vlistValidator: req.vlistValidator,
        sentBodyct: req.sentBodyct, eosSent: req.eosSent, chunked: req.chunked,
        remoteHost: req.getRemoteHost(), remoteHostLookup: req.getRemoteHost(tsmod.REMOTE_HOST), remoteHostPair: req.getRemoteHost(tsmod.REMOTE_NOLOOKUP, true),
        exts: req.getAddhandlerExts(), https: req.sslVarLookup("HTTPS"), cipher: req.sslVarLookup("SSL_CIPHER"),
        finfo: req.finfo && { filetype: req.finfo.filetype, size: req.finfo.size, isReg: req.finfo.filetype === tsmod.APR_REG },
      });
      req.headersOut.delete("Content-Length");
      req.sendHttpHeader();
      break;
    case "/connection":
      c.notes.set("seen", String(Number(c.notes.get("seen") ?? 0) + 1));
      c.logError("connection log line");
      Object.assign(out, { id: c.id, keepalives: c.keepalives, keepalive: c.keepalive, seen: c.notes.get("seen"), remoteHost: c.remoteHost, localHost: c.localHost });
      break;
    case "/server":
      s.logError("server log line");
      s.registerCleanup((file: string) => require("node:fs").appendFileSync(file, "server cleanup\\n"), CLEANUP_FILE);
      Object.assign(out, {
        names: s.names, wildNames: s.wildNames, port: s.port, errorFname: s.errorFname, loglevel: s.loglevel,
        limitReqLine: s.limitReqLine, limitReqFieldsize: s.limitReqFieldsize, limitReqFields: s.limitReqFields,
        keepAliveMax: s.keepAliveMax, defnLineNumber: s.defnLineNumber,
      });
      break;
    case "/process":
      tsmod.logError("process log line", tsmod.APLOG_WARNING);
      Object.assign(out, {
        parseHeader: tsmod.parseHeader('form-data; name="a;b"; filename="x\\\\"y.txt"'),
        stat: tsmod.stat(req.filename!).filetype === tsmod.APR_REG, statMissing: tsmod.stat("/no/such/file").filetype,
        defined: tsmod.existsConfigDefine("WITH_X"), notDefined: tsmod.existsConfigDefine("NOPE"),
        threaded: tsmod.mpmQuery(tsmod.AP_MPMQ_IS_THREADED), daemons: tsmod.mpmQuery(tsmod.AP_MPMQ_MAX_DAEMONS),
        tree: tsmod.configTree().filter(([n]) => n === "DocumentRoot" || n.startsWith("<Directory")).map(([n, v]) => [n, typeof v === "string" ? v : v.length]),
        serverRoot: tsmod.serverRoot(),
      });
      break;
    case "/interp":
      out.interpreter = req.interpreter;
      break;
  }
  req.contentType = "application/json";
  await req.write(JSON.stringify(out));
  return OK;
}
`;

let site: TestSite;

beforeAll(async () => {
  site = await startSite(
    `ServerName main.test
ServerAlias alias.test *.wild.test
DocumentRoot @DIR@/htdocs
ErrorLog @DIR@/error.log
AddHandler tsmod .ts .tsx
<Directory @DIR@/htdocs>
  TsHandler surface
</Directory>
<Directory @DIR@/htdocs/perdir>
  TsInterpPerDirectory On
</Directory>
<Directory @DIR@/htdocs/perdirective>
  TsInterpPerDirective On
</Directory>
<Directory @DIR@/htdocs/named>
  TsInterpreter my_interp
  TsInterpPerDirectory On
</Directory>
<Location /th>
  SetHandler tsmod
  TsHandler tsmod/testhandler
  TsOption shown.option yes
</Location>
`,
    {
      "htdocs/surface.ts": SURFACE,
      "htdocs/file.ts": "// the handler's file\n",
      "htdocs/perdir/file.ts": "",
      "htdocs/perdirective/file.ts": "",
      "htdocs/named/file.ts": "",
    },
    undefined,
    { defines: ["WITH_X"] },
  );
});
afterAll(async () => {
  await site?.close();
});

/** Waits (polling, bounded) until `read` answers `expected`: a retired configuration closes after its last request, not at once. */
async function eventually<T>(read: () => T, expected: T): Promise<void> {
  const until = Date.now() + 5000;
  while (JSON.stringify(read()) !== JSON.stringify(expected) && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  expect(read()).toEqual(expected);
}

const cleanupFile = () => path.join(site.dir, "cleanups.txt");
const cleanups = () => (fs.existsSync(cleanupFile()) ? fs.readFileSync(cleanupFile(), "utf8").split("\n").filter(Boolean).sort() : []);

async function json(p: string, headers: Record<string, string> = {}): Promise<Record<string, any>> {
  const r = await request(site, p, { headers });
  expect(r.status).toBe(200);
  return JSON.parse(r.body);
}

test("request members (test_req_members, test_req_get_remote_host, ssl_var_lookup without TLS)", async () => {
  const r = await json("/file.ts/request?a=1", { Range: "bytes=0-1" });
  expect(r.parsedUri).toEqual([null, null, null, null, null, null, "/file.ts/request", "a=1", null]);
  expect(r.clength).toBe(0);
  expect(r.range).toBe("bytes=0-1");
  expect(r.contentEncoding).toBe("identity");
  expect(r.contentLanguages).toEqual(["en", "fr"]);
  expect(r.proxyreq).toBe(0);
  expect(r.usedPathInfo).toBe(2);
  expect(r.canonicalFilename).toBe(r.filename);
  expect(r.vlistValidator).toBeNull();
  expect(r.sentBodyct).toBe(0);
  expect(r.eosSent).toBe(false);
  expect(r.chunked).toBe(false);
  expect(r.remoteHost).toBe("127.0.0.1");
  expect(r.remoteHostLookup).toBeNull();
  expect(r.remoteHostPair).toEqual(["127.0.0.1", true]);
  expect(r.exts).toEqual(["ts"]);
  expect(r.https).toBe("off");
  expect(r.cipher).toBeNull();
  expect(r.finfo).toEqual({ filetype: 1, size: 22, isReg: true });
});

test("connection members: id, notes and keepalives last for the connection (test_conn_members)", async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = () =>
    new Promise<Record<string, any>>((resolve, reject) => {
      http
        .get({ host: "127.0.0.1", port: site.port, path: "/file.ts/connection", agent }, (res) => {
          let body = "";
          res.on("data", (d) => (body += d));
          res.on("end", () => resolve(JSON.parse(body)));
        })
        .on("error", reject);
    });
  const first = await get();
  const second = await get();
  agent.destroy();
  expect(second.id).toBe(first.id);
  expect([first.keepalives, second.keepalives]).toEqual([0, 1]);
  expect([first.seen, second.seen]).toEqual(["1", "2"]);
  expect(first.keepalive).toBe(2);
  expect(first.remoteHost).toBeNull();
  expect(first.localHost).toBeNull();
  expect(site.log.join("\n")).toMatch(/\[client 127\.0\.0\.1:\d+\] connection log line/);
});

test("server members (test_server_members)", async () => {
  const r = await json("/file.ts/server");
  expect(r.names).toEqual(["alias.test"]);
  expect(r.wildNames).toEqual(["*.wild.test"]);
  expect(r.port).toBe(0);
  expect(r.errorFname).toBe(path.join(site.dir, "error.log"));
  expect(r.loglevel).toBe(4);
  expect([r.limitReqLine, r.limitReqFieldsize, r.limitReqFields]).toEqual([8190, 8190, 100]);
  expect(r.keepAliveMax).toBe(0);
  expect(r.defnLineNumber).toBe(0);
  expect(site.log.join("\n")).toMatch(/server log line/);
});

test("process-level functions: logError, parseHeader, stat, existsConfigDefine, mpmQuery, configTree, serverRoot", async () => {
  const r = await json("/file.ts/process");
  expect(r.parseHeader).toEqual(["form-data", { name: "a;b", filename: 'x"y.txt' }]);
  expect(r.stat).toBe(true);
  expect(r.statMissing).toBe(0);
  expect(r.defined).toBe(true);
  expect(r.notDefined).toBe(false);
  expect(r.threaded).toBe(0);
  expect(r.daemons).toBe(1);
  expect(r.tree).toEqual([["DocumentRoot", path.join(site.dir, "htdocs")], [`<Directory ${site.dir}/htdocs>`, 1], [`<Directory ${site.dir}/htdocs/perdir>`, 1], [`<Directory ${site.dir}/htdocs/perdirective>`, 1], [`<Directory ${site.dir}/htdocs/named>`, 2]]);
  expect(r.serverRoot).toBe(site.dir);
  expect(site.log.join("\n")).toMatch(/\[tsmod:warn\].*process log line/);
});

test("interpreter naming: virtual host by default, per directory, per directive, TsInterpreter first (test_interpreter_per_*)", async () => {
  expect((await json("/file.ts/interp")).interpreter).toBe("main.test");
  expect((await json("/perdir/file.ts/interp")).interpreter).toBe(path.join(site.dir, "htdocs/perdir") + "/");
  // The handler directive is in the <Directory htdocs> section: its folder names the interpreter.
  expect((await json("/perdirective/file.ts/interp")).interpreter).toBe(path.join(site.dir, "htdocs") + "/");
  expect((await json("/named/file.ts/interp")).interpreter).toBe("my_interp");
});

test("tsmod/testhandler shows request, connection, server, config, options and environment", async () => {
  const r = await request(site, "/th?x=<b>", { headers: { "X-Probe": "<probe>" } });
  expect(r.status).toBe(200);
  expect(r.headers["content-type"]).toMatch(/^text\/html/);
  for (const heading of ["Request headers", "Environment", "Configuration", "Options", "Connection", "Server", "Configuration tree"]) expect(r.body).toContain(heading);
  expect(r.body).toContain("&lt;probe&gt;");
  expect(r.body).not.toContain("<probe>");
  expect(r.body).toContain("<th>shown.option</th><td>yes</td>");
  expect(r.body).toContain("<th>REMOTE_ADDR</th><td>127.0.0.1</td>");
  fs.writeFileSync(path.join(site.dir, "error.log"), Array.from({ length: 150 }, (_, i) => `line ${i}`).join("\n") + "\n");
  const log = await request(site, "/th?view_log=1");
  expect(log.body.split("\n").filter(Boolean)).toEqual(Array.from({ length: 100 }, (_, i) => `line ${i + 50}`));
});

test("server cleanups run when a configuration retires: at a reload and at the stop", async () => {
  await json("/file.ts/server");
  expect(cleanups()).toEqual([]);
  expect(await site.server.reload()).toBe(true);
  await eventually(cleanups, ["module cleanup", "server cleanup"]);
  // The new configuration loads the module again, which registers its cleanup again.
  await json("/file.ts/interp");
  fs.writeFileSync(cleanupFile(), "");
  await site.server.close();
  expect(cleanups()).toEqual(["module cleanup"]);
});

describe("TsInspect", () => {
  test("opens Node's inspector for the process and closes it with the server", async () => {
    const s = await startSite("TsInspect On 127.0.0.1:0\n");
    try {
      const line = s.log.find((l) => l.includes("TsInspect: debugger listening on"));
      const port = Number(/ws:\/\/127\.0\.0\.1:(\d+)\//.exec(line ?? "")?.[1]);
      expect(port).toBeGreaterThan(0);
      const r = await request({ port }, "/json/version");
      expect(JSON.parse(r.body).Browser).toMatch(/^node\.js/);
    } finally {
      await s.close();
    }
    expect(require("node:inspector").url()).toBeUndefined();
  });

  test("needs one process", () => {
    const dir = writeTree({ "tsmod.conf": "Listen 127.0.0.1:0\nWorkers 2\nTsInspect On\n" });
    expect(configErrors(() => loadConfig(path.join(dir, "tsmod.conf")))).toEqual([expect.stringMatching(/^conf:1: TsInspect On needs Workers 1/)]);
  });

  test("TsOptimize is not a directive (not applicable to Node)", () => {
    const dir = writeTree({ "tsmod.conf": "Listen 127.0.0.1:0\nTsOptimize On\n" });
    expect(configErrors(() => loadConfig(path.join(dir, "tsmod.conf")))).toEqual([expect.stringMatching(/^conf:2: .*TsOptimize/)]);
  });
});
