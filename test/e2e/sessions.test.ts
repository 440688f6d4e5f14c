import * as fs from "node:fs";
import * as path from "node:path";
import { sealData } from "iron-session";
import { startServer, type TsmodServer } from "../../index";
import { createSessionsModule } from "../../sessions";
import { request, startSite, type TestSite, writeTree } from "../helpers/site";

const HTDOCS = path.resolve(__dirname, "../fixtures/htdocs");

const files = {
  "app/count.ts": `import { OK, type Request } from "tsmod";
export async function handler(req: Request): Promise<number> {
  const s = await req.getSession();
  const n = (s.get<number>("n") ?? 0) + 1;
  await new Promise((r) => setTimeout(r, 5));
  s.set("n", n);
  await s.save();
  await req.write(String(n));
  return OK;
}
export async function login(req: Request): Promise<number> {
  const s = await req.getSession();
  const before = s.id;
  s.set("user", "alice");
  await s.regenerate();
  await s.save();
  await req.write(before === s.id ? "same id" : "new id");
  return OK;
}
export async function whoami(req: Request): Promise<number> {
  const s = await req.getSession();
  await req.write(String(s.get("user") ?? "nobody"));
  return OK;
}
export async function logout(req: Request): Promise<number> {
  const s = await req.getSession();
  await s.invalidate();
  await req.write("bye");
  return OK;
}
export async function redirecting(req: Request): Promise<number> {
  const s = await req.getSession();
  s.set("from", "first");
  await s.save();
  await req.internalRedirect("/count-redirected");
  return OK;
}
export async function redirected(req: Request): Promise<number> {
  const s = await req.getSession();
  await req.write("redirected sees " + s.get("from"));
  return OK;
}
`,
  // tsmod.secret_file: the new key first, then the one /sealed uses.
  "keys/session-keys.txt": "a-newer-e2e-secret-rolled-out-after-the-first\nan-e2e-test-secret-of-32-characters-or-more\n",
};

const config = `ServerName sessions.test
DocumentRoot ${HTDOCS}
TsOption tsmod.session.database_directory @DIR@/sessions
<VirtualHost *>
  ServerName test_Session_Session
  DocumentRoot ${HTDOCS}
  <Directory ${HTDOCS}>
    SetHandler tsmod
    TsHandler tests::Session_Session
    TsOption tsmod.session.application_path /path
    TsOption tsmod.session.application_domain test_Session_Session
    TsDebug On
  </Directory>
</VirtualHost>
<VirtualHost *>
  ServerName app
  DocumentRoot ${HTDOCS}
  <Location /count>
    SetHandler tsmod
    TsHandler app/count
  </Location>
  <Location /login>
    SetHandler tsmod
    TsHandler app/count::login
  </Location>
  <Location /logout>
    SetHandler tsmod
    TsHandler app/count::logout
  </Location>
  <Location /whoami>
    SetHandler tsmod
    TsHandler app/count::whoami
  </Location>
  <Location /sealed>
    SetHandler tsmod
    TsHandler app/count::login
    TsOption tsmod.session.type cookie
    TsOption tsmod.secret an-e2e-test-secret-of-32-characters-or-more
  </Location>
  <Location /sealed/whoami>
    TsHandler app/count::whoami
  </Location>
  <Location /rotated>
    SetHandler tsmod
    TsHandler app/count::login
    TsOption tsmod.session.type cookie
    TsOption tsmod.secret "a-newer-e2e-secret-rolled-out-after-the-first an-e2e-test-secret-of-32-characters-or-more"
  </Location>
  <Location /rotated/whoami>
    TsHandler app/count::whoami
  </Location>
  <Location /from-file>
    SetHandler tsmod
    TsHandler app/count::whoami
    TsOption tsmod.session.type cookie
    TsOption tsmod.secret_file @DIR@/keys/session-keys.txt
  </Location>
  <Location /redirecting>
    SetHandler tsmod
    TsHandler app/count::redirecting
  </Location>
  <Location /count-redirected>
    SetHandler tsmod
    TsHandler app/count::redirected
  </Location>
  <Location /down>
    SetHandler tsmod
    TsHandler app/count
    TsOption tsmod.session.type postgres
    TsOption tsmod.session.database postgres://postgres@127.0.0.1:1/nothing
  </Location>
</VirtualHost>`;

const sidOf = (setCookie: string[] | undefined) => /tsmodsid=([^;]+)/.exec((setCookie ?? []).join("\n"))?.[1];

describe("sessions through the server (group H)", () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await startSite(config, files);
  });
  afterAll(() => site.close());

  test("H1 a new session sets the cookie with path and domain from the options, and is found again", async () => {
    const first = await request(site, "/tests.ts", { host: "test_Session_Session" });
    expect(first.body).toBe("test ok");
    const setCookie = first.headers["set-cookie"]![0];
    expect(setCookie).toMatch(/^tsmodsid=[0-9a-f]{32}; /);
    const attrs = Object.fromEntries(setCookie.split("; ").map((p) => p.split("=")));
    expect(attrs.Path).toBe("/path");
    expect(attrs.Domain).toBe("test_Session_Session");
    expect(setCookie).toContain("HttpOnly");
    const second = await request(site, "/tests.ts", { host: "test_Session_Session", headers: { cookie: setCookie } });
    expect(second.body).toBe("test ok");
    expect(second.headers["set-cookie"]).toBeUndefined();
  });

  test.each(["/path/traversal/attack/bad", "abcdef".repeat(64)])("H2 an illegal session id is replaced: %s", async (bad) => {
    const r = await request(site, "/tests.ts", { host: "test_Session_Session", headers: { cookie: `tsmodsid=${bad}; path=/` } });
    expect(r.status).toBe(200);
    expect(sidOf(r.headers["set-cookie"] as string[])).toMatch(/^[0-9a-f]{32}$/);
  });

  test("concurrent requests of one session never lose writes", async () => {
    const first = await request(site, "/count", { host: "app" });
    const cookie = `tsmodsid=${sidOf(first.headers["set-cookie"] as string[])}`;
    const results = await Promise.all(Array.from({ length: 10 }, () => request(site, "/count", { host: "app", headers: { cookie } })));
    expect(results.map((r) => Number(r.body)).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  test("regenerate() gives a new id (against fixation); invalidate() expires the cookie", async () => {
    const r = await request(site, "/login", { host: "app" });
    expect(r.body).toBe("new id");
    const cookie = `tsmodsid=${sidOf(r.headers["set-cookie"] as string[])}`;
    const out = await request(site, "/logout", { host: "app", headers: { cookie } });
    expect(out.headers["set-cookie"]!.join()).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/);
  });

  test("session fixation: an id planted before log-in is replaced at log-in and never sees the logged-in user", async () => {
    const attacker = await request(site, "/count", { host: "app" });
    const planted = `tsmodsid=${sidOf(attacker.headers["set-cookie"] as string[])}`;
    const login = await request(site, "/login", { host: "app", headers: { cookie: planted } }); // the victim logs in
    expect(login.body).toBe("new id");
    const victim = `tsmodsid=${sidOf(login.headers["set-cookie"] as string[])}`;
    expect(victim).not.toBe(planted);
    expect((await request(site, "/whoami", { host: "app", headers: { cookie: victim } })).body).toBe("alice");
    const replay = await request(site, "/whoami", { host: "app", headers: { cookie: planted } });
    expect(replay.body).toBe("nobody");
  });

  test("a well-formed id the server never issued is not adopted: a new session with a new id", async () => {
    const chosen = "0123456789abcdef0123456789abcdef";
    const r = await request(site, "/count", { host: "app", headers: { cookie: `tsmodsid=${chosen}` } });
    expect(r.body).toBe("1");
    const issued = sidOf(r.headers["set-cookie"] as string[]);
    expect(issued).toMatch(/^[0-9a-f]{32}$/);
    expect(issued).not.toBe(chosen);
  });

  test("cookie store: a tampered or foreign sealed cookie is ignored and a new session begins", async () => {
    const login = await request(site, "/sealed", { host: "app" });
    const sealed = sidOf(login.headers["set-cookie"] as string[])!;
    expect(sealed).toMatch(/^Fe26\.2\*/);
    expect((await request(site, "/sealed/whoami", { host: "app", headers: { cookie: `tsmodsid=${sealed}` } })).body).toBe("alice");
    const i = Math.floor(sealed.length / 2); // inside the encrypted payload
    const tampered = sealed.slice(0, i) + (sealed[i] === "A" ? "B" : "A") + sealed.slice(i + 1);
    expect((await request(site, "/sealed/whoami", { host: "app", headers: { cookie: `tsmodsid=${tampered}` } })).body).toBe("nobody");
    // Well-formed, with the shape tsmod seals, but sealed with a key other than tsmod.secret.
    const payload = { id: "0123456789abcdef0123456789abcdef", d: { user: "mallory" }, c: Date.now(), a: Date.now(), t: 1800 };
    const foreign = await sealData(payload, { password: "not-the-server-secret-but-32-chars-long" });
    expect(foreign).toMatch(/~2$/);
    expect((await request(site, "/sealed/whoami", { host: "app", headers: { cookie: `tsmodsid=${foreign}` } })).body).toBe("nobody");
  });

  test("cookie store key rotation: seals of the old key still open beside the new one (inline list or secret file); new seals need the new key", async () => {
    const whoami = async (url: string, sealed: string) => (await request(site, url, { host: "app", headers: { cookie: `tsmodsid=${sealed}` } })).body;
    const old = sidOf((await request(site, "/sealed", { host: "app" })).headers["set-cookie"] as string[])!;
    expect(await whoami("/rotated/whoami", old)).toBe("alice");
    expect(await whoami("/from-file", old)).toBe("alice");
    const newer = sidOf((await request(site, "/rotated", { host: "app" })).headers["set-cookie"] as string[])!;
    expect(await whoami("/from-file", newer)).toBe("alice");
    expect(await whoami("/sealed/whoami", newer)).toBe("nobody");
  });

  test("an internal redirect shares the session (no self-deadlock)", async () => {
    const r = await request(site, "/redirecting", { host: "app" });
    expect(r.body).toBe("redirected sees first");
  });

  test("an unreachable session database answers 503 with a clear log line", async () => {
    const r = await request(site, "/down", { host: "app" });
    expect(r.status).toBe(503);
    expect(site.log.join("\n")).toMatch(/session store "postgres" is unavailable/);
  });
});

describe("session expiry through the server, on an injected clock", () => {
  let now = Date.UTC(2025, 0, 1);
  let server: TsmodServer;
  let dir: string;
  let port: number;

  beforeAll(async () => {
    dir = writeTree({
      "app/count.ts": files["app/count.ts"],
      "tsmod.conf": `Listen 127.0.0.1:0
TsOption tsmod.session.timeout 60
TsOption tsmod.session.database_directory sessions
<Location /count>
  SetHandler tsmod
  TsHandler app/count
</Location>
`,
    });
    server = await startServer(path.join(dir, "tsmod.conf"), { modules: [createSessionsModule({ clock: () => now })], errorLog: () => undefined });
    port = Number(new URL(server.urls()[0]).port);
  });
  afterAll(async () => {
    await server.close(1000);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("a session idle for less than tsmod.session.timeout lives on; idle for longer it starts again under a new id", async () => {
    const first = await request({ port }, "/count");
    const id = sidOf(first.headers["set-cookie"] as string[]);
    const cookie = `tsmodsid=${id}`;
    now += 59_000;
    expect((await request({ port }, "/count", { headers: { cookie } })).body).toBe("2");
    now += 61_000;
    const expired = await request({ port }, "/count", { headers: { cookie } });
    expect(expired.body).toBe("1");
    const renewed = sidOf(expired.headers["set-cookie"] as string[]);
    expect(renewed).toMatch(/^[0-9a-f]{32}$/);
    expect(renewed).not.toBe(id);
  });
});
