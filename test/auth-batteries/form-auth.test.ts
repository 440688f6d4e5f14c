import * as path from "node:path";
import { UserStore } from "../../handlers/user-database";
import { request, startSite, writeTree, type Reply, type TestSite } from "../helpers/site";

const CONFIG = `
RemoteIPTrustedProxy 127.0.0.1
TsOption tsmod.auth.scrypt_cost 10
TsOption tsmod.session.type memory
DocumentRoot @DIR@/www
<Location /members>
  AuthType Form
  AuthName "Members"
  AuthFormProvider tsmod
  AuthFormLoginRequiredLocation /login.html?from=%{REQUEST_URI}
  Require valid-user
</Location>
<Location /plain>
  AuthType Form
  AuthFormProvider tsmod
  AuthFormLoginRequiredLocation /login.html
  Require valid-user
</Location>
<Location /dologin>
  SetHandler form-login-handler
  AuthFormProvider tsmod
</Location>
<Location /dologout>
  SetHandler form-logout-handler
  AuthFormLogoutLocation /bye.html
</Location>
<Location /visit>
  SetHandler tsmod
  TsHandler @DIR@/visit.ts
</Location>
<Location /auth>
  SetHandler tsmod-forward-auth
</Location>
`;

const FILES = {
  "www/members/page.txt": "members only\n",
  "visit.ts": `
import { OK, type Request } from "tsmod";
export async function handler(req: Request) {
  const s = await req.getSession();
  s.set("seen", true);
  await s.save();
  req.write((s.get("user") as string | undefined) ?? "anonymous");
  return OK;
}
`,
};

let site: TestSite;
beforeAll(async () => {
  const dir = writeTree({});
  const store = new UserStore({ location: path.join(dir, "data/users.db") }, undefined, { ln: 10, r: 8, p: 1 });
  await store.setPassword("alice", "alice-pw");
  await store.close();
  site = await startSite(CONFIG, FILES, dir);
});
afterAll(() => site?.close());

function sessionCookie(r: Reply): string {
  const set = ([] as string[]).concat(r.headers["set-cookie"] ?? []).find((c) => c.startsWith("tsmodsid="));
  if (!set) throw new Error(`no session cookie in ${JSON.stringify(r.headers)}`);
  expect(set).toMatch(/SameSite=Lax/);
  return set.split(";")[0];
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const login = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
  request(site, "/dologin", { method: "POST", body: form(fields), headers: { "content-type": "application/x-www-form-urlencoded", ...headers } });

test("an anonymous visitor is sent to the login page with the original URL", async () => {
  const r = await request(site, "/members/page.txt?a=1");
  expect(r.status).toBe(302);
  expect(r.headers.location).toBe(`/login.html?from=${encodeURIComponent("/members/page.txt?a=1")}`);
  const plain = await request(site, "/plain/x");
  expect(plain.headers.location).toBe(`/login.html?httpd_location=${encodeURIComponent("/plain/x")}`);
});

test("log-in regenerates the session id (fixation refused); the new session reaches the page; log-out ends it", async () => {
  const planted = sessionCookie(await request(site, "/visit"));
  const r = await login({ httpd_username: "alice", httpd_password: "alice-pw", httpd_location: "/members/page.txt" }, { cookie: planted, origin: `http://127.0.0.1:${site.port}` });
  expect(r.status).toBe(302);
  expect(r.headers.location).toBe("/members/page.txt");
  const fresh = sessionCookie(r);
  expect(fresh).not.toBe(planted);
  expect((await request(site, "/members/page.txt", { headers: { cookie: fresh } })).body).toBe("members only\n");
  // The id the attacker planted never became a logged-in session.
  expect((await request(site, "/members/page.txt", { headers: { cookie: planted } })).status).toBe(302);
  expect((await request(site, "/visit", { headers: { cookie: fresh } })).body).toBe("alice");

  const out = await request(site, "/dologout", { headers: { cookie: fresh } });
  expect(out.status).toBe(302);
  expect(out.headers.location).toBe("/bye.html");
  expect((await request(site, "/members/page.txt", { headers: { cookie: fresh } })).status).toBe(302);
});

test("wrong password and unknown user: 401, no session", async () => {
  const r = await login({ httpd_username: "alice", httpd_password: "nope" });
  expect(r.status).toBe(401);
  expect(r.headers["set-cookie"]).toBeUndefined();
  expect((await login({ httpd_username: "mallory", httpd_password: "x" })).status).toBe(401);
});

test("open redirects are refused: httpd_location must be a path on this server", async () => {
  for (const location of ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"]) {
    const r = await login({ httpd_username: "alice", httpd_password: "alice-pw", httpd_location: location });
    expect([location, r.status]).toEqual([location, 400]);
    expect(r.headers.location).toBeUndefined();
  }
});

test("a login posted from another site's page is refused (login CSRF)", async () => {
  expect((await login({ httpd_username: "alice", httpd_password: "alice-pw" }, { origin: "https://evil.example" })).status).toBe(403);
  expect((await login({ httpd_username: "alice", httpd_password: "alice-pw" }, { referer: "https://evil.example/form" })).status).toBe(403);
  expect((await request(site, "/dologin")).status).toBe(405);
});

test("forward-auth for a Form-protected URL: 401 with the login page as Location, 200 with the session", async () => {
  const ask = (cookie?: string) => request(site, "/auth", { headers: { "x-forwarded-uri": "/members/page.txt", ...(cookie ? { cookie } : {}) } });
  const anonymous = await ask();
  expect(anonymous.status).toBe(401);
  expect(anonymous.headers.location).toBe(`/login.html?from=${encodeURIComponent("/members/page.txt")}`);
  const r = await login({ httpd_username: "alice", httpd_password: "alice-pw" });
  expect(r.body).toBe("logged in as alice\n");
  const ok = await ask(sessionCookie(r));
  expect(ok.status).toBe(200);
  expect(ok.headers["remote-user"]).toBe("alice");
});
