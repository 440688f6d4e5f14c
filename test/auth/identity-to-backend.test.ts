import { createHash } from "node:crypto";
import * as path from "node:path";
import { configErrors, loadConfig } from "../helpers/config";
import { request, startSite, writeTree, type TestSite } from "../helpers/site";
import { startBackend, type Backend } from "../proxy/backend";

const basic = (user: string, password: string) => ({ Authorization: "Basic " + Buffer.from(`${user}:${password}`).toString("base64") });
const sha = (pw: string) => "{SHA}" + createHash("sha1").update(pw).digest("base64");

/**
 * A Subversion-like backend behind ProxyPass: it trusts the front server's X-Remote-User (the
 * author of a commit), so the client's own header of that name must never reach it.
 */
describe("identity to backends: RequestHeader and ProxyAddRemoteUser", () => {
  let site: TestSite;
  let backend: Backend;
  beforeAll(async () => {
    backend = await startBackend((req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ user: req.headers["x-remote-user"] ?? null, who: req.headers["x-who"] ?? null, early: req.headers["x-early"] ?? null, gone: req.headers["x-secret"] ?? null }));
    });
    site = await startSite(
      `ServerName id.test
DocumentRoot @DIR@/htdocs
RequestHeader set X-Early "seen %{REMOTE_ADDR}s" early
RequestHeader unset X-Secret early
<Location /svn>
  AuthType Basic
  AuthName "Subversion repository"
  AuthUserFile @DIR@/htpasswd
  Require valid-user
  ProxyPass ${backend.url}/svn
  ProxyAddRemoteUser On
  RequestHeader set X-Who "%{REMOTE_USER}s via %{AUTH_TYPE}s"
</Location>
<Location /header-only>
  AuthType Basic
  AuthName "Subversion repository"
  AuthUserFile @DIR@/htpasswd
  Require valid-user
  ProxyPass ${backend.url}/header-only
  RequestHeader set X-Remote-User %{REMOTE_USER}s
</Location>
<Location /open>
  ProxyPass ${backend.url}/open
  ProxyAddRemoteUser On
  RequestHeader append X-Who %{WHO_ENV}e
</Location>
`,
      { htpasswd: `alice:${sha("pw")}\n`, "htdocs/x": "" },
    );
  });
  afterAll(async () => {
    await site.close();
    await backend.close();
  });

  test("ProxyAddRemoteUser: the backend gets the authenticated user, not the client's header", async () => {
    const r = await request(site, "/svn/repo/trunk", { headers: { ...basic("alice", "pw"), "X-Remote-User": "mallory" } });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ user: "alice", who: "alice via Basic" });
  });

  test("no credentials: 401 before the backend is asked", async () => {
    const before = backend.hits.length;
    const r = await request(site, "/svn/repo/trunk", { headers: { "X-Remote-User": "mallory" } });
    expect(r.status).toBe(401);
    expect(r.headers["www-authenticate"]).toBe('Basic realm="Subversion repository"');
    expect(backend.hits.length).toBe(before);
  });

  test("RequestHeader set X-Remote-User %{REMOTE_USER}s replaces the client's value", async () => {
    const r = await request(site, "/header-only/x", { headers: { ...basic("alice", "pw"), "X-Remote-User": "mallory" } });
    expect(JSON.parse(r.body)).toMatchObject({ user: "alice" });
  });

  test("early rules run on every request; without a user ProxyAddRemoteUser sends none; %{VAR}e unset is (null)", async () => {
    const r = await request(site, "/open/x", { headers: { "X-Remote-User": "mallory", "X-Secret": "s3cret", "X-Who": "client" } });
    expect(JSON.parse(r.body)).toEqual({ user: null, who: "client, (null)", early: "seen 127.0.0.1", gone: null });
  });

  test("RequestHeader errors at FILE:LINE", () => {
    const errorsOf = (conf: string) => {
      const dir = writeTree({ "tsmod.conf": `Listen 127.0.0.1:0\n${conf}` });
      return configErrors(() => loadConfig(path.join(dir, "tsmod.conf")));
    };
    expect(errorsOf("<Location /a>\n  RequestHeader set X-A b early\n</Location>")).toEqual(["conf:3: RequestHeader: 'early' is allowed only at server or <VirtualHost> level"]);
    expect(errorsOf("RequestHeader echo X-A")).toEqual([expect.stringMatching(/^conf:2: RequestHeader: unknown action 'echo'/)]);
    expect(errorsOf("RequestHeader set X-A %{HOME}s")).toEqual([expect.stringMatching(/^conf:2: RequestHeader: unsupported format specifier '%\{HOME\}s'/)]);
    expect(errorsOf("ProxyAddRemoteUser Maybe")).toEqual(["conf:2: ProxyAddRemoteUser: takes On or Off, not 'Maybe'"]);
  });
});
