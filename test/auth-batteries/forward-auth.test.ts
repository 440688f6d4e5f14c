import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as path from "node:path";
import { UserStore } from "../../handlers/user-database";
import { request, startSite, writeTree, type TestSite } from "../helpers/site";
import { basic, LOAD_TEST_PROVIDER } from "./auth-site";

const CONFIG = `${LOAD_TEST_PROVIDER}
RemoteIPTrustedProxy 127.0.0.1
TsOption tsmod.auth.scrypt_cost 10
<Location /auth>
  SetHandler tsmod-forward-auth
</Location>
<Location /private>
  AuthType Basic
  AuthName "Private area"
  TestAuthProvider tsmod
  Require valid-user
</Location>
<Location /private/admin>
  Require group admins
</Location>
<Location /app>
  AuthType Basic
  AuthName "Private area"
  TestAuthProvider tsmod
  Require valid-user
</Location>
`;

/** Users made straight in the site's default database (data/users.db) before it starts. */
async function addUsers(dir: string): Promise<void> {
  const store = new UserStore({ location: path.join(dir, "data/users.db") }, undefined, { ln: 10, r: 8, p: 1 });
  await store.setPassword("alice", "alice-pw");
  await store.setPassword("bob", "bob-pw");
  await store.addToGroup("alice", "admins");
  await store.addToGroup("alice", "staff");
  await store.close();
}

let site: TestSite;
beforeAll(async () => {
  const dir = writeTree({});
  await addUsers(dir);
  site = await startSite(CONFIG, {}, dir);
});
afterAll(() => site?.close());

describe("forward-auth asked the way Traefik forwardAuth / Caddy forward_auth ask", () => {
  const ask = (uri: string, headers: Record<string, string> = {}, method = "GET") =>
    request(site, "/auth", { headers: { "x-forwarded-method": method, "x-forwarded-proto": "https", "x-forwarded-host": "example.org", "x-forwarded-uri": uri, ...headers } });

  test("401 with the original URL's realm without credentials or with wrong ones", async () => {
    const none = await ask("/private/report.pdf");
    expect(none.status).toBe(401);
    expect(none.headers["www-authenticate"]).toBe('Basic realm="Private area"');
    expect((await ask("/private/report.pdf", basic("alice", "wrong"))).status).toBe(401);
  });

  test("200 with Remote-User and Remote-Groups", async () => {
    const ok = await ask("/private/report.pdf?x=1", basic("alice", "alice-pw"));
    expect(ok.status).toBe(200);
    expect(ok.headers["remote-user"]).toBe("alice");
    expect(ok.headers["remote-groups"]).toBe("admins,staff");
  });

  test("403 for a valid user outside the group; the original URL's sections decide", async () => {
    expect((await ask("/private/admin/x", basic("bob", "bob-pw"))).status).toBe(403);
    expect((await ask("/private/admin/x", basic("alice", "alice-pw"))).status).toBe(200);
    // No Require at all for this URL: allowed, nobody named.
    const open = await ask("/public/x");
    expect(open.status).toBe(200);
    expect(open.headers["remote-user"]).toBeUndefined();
  });

  test("forwarding headers from a peer that is not a RemoteIPTrustedProxy are not believed", async () => {
    const untrusted = await startSite(CONFIG.replace("RemoteIPTrustedProxy 127.0.0.1", "RemoteIPTrustedProxy 10.9.8.7"), {});
    try {
      const r = await request(untrusted, "/auth", { headers: { "x-forwarded-uri": "/public/x" } });
      expect(r.status).toBe(403);
      expect(untrusted.log.join("\n")).toContain("is not a RemoteIPTrustedProxy");
    } finally {
      await untrusted.close();
    }
  });

  test("no original URI: 403 (never a 5xx, which nginx would turn into a 500)", async () => {
    expect((await request(site, "/auth")).status).toBe(403);
  });
});

const NGINX = ["/usr/sbin/nginx", "/usr/bin/nginx"].find((f) => fs.existsSync(f));
const hasAuthRequest = NGINX !== undefined && /http_auth_request_module/.test(spawnSync(NGINX, ["-V"], { encoding: "utf8" }).stderr);

/** A port free now: nginx cannot be told to take port 0 and report it. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

async function untilListening(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const until = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${log()}`);
    const up = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, "127.0.0.1", () => (c.destroy(), resolve(true)));
      c.on("error", () => resolve(false));
    });
    if (up) return;
    if (Date.now() > until) throw new Error(`nginx did not listen on ${port}: ${log()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// Debian's nginx (installed by .ci/run); the test fails rather than skips when it is missing.
describe("nginx auth_request in front of tsmod, guarding a folder nginx serves and a proxied backend", () => {
  let nginx: ChildProcess;
  let port: number;
  let backend: http.Server;
  let prefix: string;

  beforeAll(async () => {
    if (!NGINX || !hasAuthRequest) throw new Error("nginx with the auth_request module is needed: apt-get install -y nginx (.ci/run does)");
    // The backend shows which user nginx handed it.
    backend = http.createServer((req, res) => res.end(`backend sees user ${req.headers["x-remote-user"] ?? "(none)"}\n`));
    await new Promise<void>((resolve) => backend.listen(0, "127.0.0.1", resolve));
    const backendPort = (backend.address() as net.AddressInfo).port;
    port = await freePort();
    prefix = writeTree({ "html/private/report.txt": "nginx file\n", "html/private/admin/x.txt": "admin file\n", "logs/.keep": "" });
    const conf = `
daemon off;
master_process off;
worker_processes 1;
error_log ${prefix}/logs/error.log warn;
pid ${prefix}/logs/nginx.pid;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${prefix}/tmp_body;
  proxy_temp_path ${prefix}/tmp_proxy;
  fastcgi_temp_path ${prefix}/tmp_fastcgi;
  uwsgi_temp_path ${prefix}/tmp_uwsgi;
  scgi_temp_path ${prefix}/tmp_scgi;
  server {
    listen 127.0.0.1:${port};
    root ${prefix}/html;
    location /private/ {
      auth_request /_tsmod_auth;
    }
    location /app/ {
      auth_request /_tsmod_auth;
      auth_request_set $tsmod_user $upstream_http_remote_user;
      proxy_set_header X-Remote-User $tsmod_user;
      proxy_pass http://127.0.0.1:${backendPort};
    }
    location = /_tsmod_auth {
      internal;
      proxy_pass http://127.0.0.1:${site.port}/auth;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-URI $request_uri;
      proxy_set_header X-Original-Method $request_method;
    }
  }
}
`;
    fs.writeFileSync(path.join(prefix, "nginx.conf"), conf);
    let output = "";
    nginx = spawn(NGINX, ["-p", prefix, "-c", path.join(prefix, "nginx.conf")], { stdio: ["ignore", "pipe", "pipe"] });
    nginx.stdout!.on("data", (d) => (output += d));
    nginx.stderr!.on("data", (d) => (output += d));
    await untilListening(port, nginx, () => output + fs.readFileSync(path.join(prefix, "logs/error.log"), "utf8"));
  }, 20_000);

  afterAll(async () => {
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((resolve) => nginx.once("exit", resolve));
      nginx.kill("SIGQUIT");
      await exited;
    }
    backend?.close();
    if (prefix) fs.rmSync(prefix, { recursive: true, force: true });
  });

  const viaNginx = (p: string, headers: Record<string, string> = {}) => request({ port }, p, { headers });

  test("401 with the realm without credentials", async () => {
    const r = await viaNginx("/private/report.txt");
    expect(r.status).toBe(401);
    expect(r.headers["www-authenticate"]).toBe('Basic realm="Private area"');
  });

  test("200 and nginx's own file with credentials; the user name reaches the backend", async () => {
    const r = await viaNginx("/private/report.txt", basic("bob", "bob-pw"));
    expect(r.status).toBe(200);
    expect(r.body).toBe("nginx file\n");
    expect((await viaNginx("/private/report.txt", basic("bob", "nope"))).status).toBe(401);
    const app = await viaNginx("/app/anything", basic("alice", "alice-pw"));
    expect(app.body).toBe("backend sees user alice\n");
  });

  test("403 outside the group", async () => {
    expect((await viaNginx("/private/admin/x.txt", basic("bob", "bob-pw"))).status).toBe(403);
    expect((await viaNginx("/private/admin/x.txt", basic("alice", "alice-pw"))).body).toBe("admin file\n");
  });
});
