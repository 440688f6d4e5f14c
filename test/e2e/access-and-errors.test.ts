import { request, startSite, type TestSite } from "../helpers/site";

const files = {
  "app/auth.ts": `import { OK, HTTP_FORBIDDEN, HTTP_UNAUTHORIZED, type Request } from "tsmod";
const USERS: Record<string, string> = { alice: "wonderland", bob: "builder" };
export function authenhandler(req: Request): number {
  const pw = req.getBasicAuthPw();
  if (req.user === null || USERS[req.user] !== pw) return HTTP_UNAUTHORIZED;
  return OK;
}
export function authzhandler(req: Request): number {
  return req.uri.startsWith("/authz-forbid") ? HTTP_FORBIDDEN : -1;
}
export async function handler(req: Request): Promise<number> {
  await req.write("content for " + (req.user ?? "anonymous"));
  return OK;
}
export async function missing(req: Request): Promise<number> {
  await req.write("custom missing page for " + req.subprocessEnv.get("REDIRECT_URL") + " status " + req.status);
  return OK;
}
`,
  "htdocs/public.txt": "public\n",
  "htdocs/guarded/file.txt": "guarded static file\n",
};

const config = `ServerName main.test
DocumentRoot @DIR@/htdocs
<Location /guarded>
  AuthType Basic
  AuthName "Members Only"
  Require valid-user
  TsAuthenHandler app/auth
</Location>
<Location /only-alice>
  SetHandler tsmod
  TsHandler app/auth
  AuthType Basic
  AuthName alice
  Require user alice
  TsAuthenHandler app/auth
</Location>
<Location /authz-forbid>
  SetHandler tsmod
  TsHandler app/auth
  AuthType Basic
  AuthName x
  Require valid-user
  TsAuthenHandler app/auth
  TsAuthzHandler app/auth
</Location>
<Location /denied>
  Require all denied
</Location>
<Location /local-only>
  Require ip 127.0.0.1 ::1
</Location>
<Location /far-only>
  Require ip 10.0.0.0/8
</Location>
<Location /ip-or-user>
  SetHandler tsmod
  TsHandler app/auth
  AuthType Basic
  Require ip 127.0.0.1
  Require valid-user
  TsAuthenHandler app/auth
</Location>
ErrorDocument 404 /missing-handler
ErrorDocument 403 "Go away, please."
<Location /missing-handler>
  SetHandler tsmod
  TsHandler app/auth::missing
</Location>
<VirtualHost *>
  ServerName alpha.example
  ServerAlias *.alpha.example
  DocumentRoot @DIR@/htdocs
  <Location /who>
    SetHandler tsmod
    TsHandler app/auth::missing
    ErrorDocument 404 default
  </Location>
</VirtualHost>`;

const basic = (u: string, p: string) => ({ Authorization: "Basic " + Buffer.from(`${u}:${p}`).toString("base64") });

describe("access control, auth and error documents", () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await startSite(config, files);
  });
  afterAll(() => site.close());

  test("a TypeScript authen handler guards a static file", async () => {
    const anon = await request(site, "/guarded/file.txt");
    expect(anon.status).toBe(401);
    expect(anon.headers["www-authenticate"]).toBe('Basic realm="Members Only"');
    expect(anon.body).not.toContain("guarded static file");
    expect((await request(site, "/guarded/file.txt", { headers: basic("alice", "nope") })).status).toBe(401);
    const ok = await request(site, "/guarded/file.txt", { headers: basic("bob", "builder") });
    expect(ok.status).toBe(200);
    expect(ok.body).toBe("guarded static file\n");
  });

  test("Require user: another authenticated user is refused", async () => {
    expect((await request(site, "/only-alice", { headers: basic("bob", "builder") })).status).toBe(401);
    expect((await request(site, "/only-alice", { headers: basic("alice", "wonderland") })).body).toBe("content for alice");
  });

  test("an authz handler's HTTP_FORBIDDEN is a 403", async () => {
    expect((await request(site, "/authz-forbid", { headers: basic("bob", "builder") })).status).toBe(403);
  });

  test("Require all denied, Require ip", async () => {
    expect((await request(site, "/denied/x")).status).toBe(403);
    expect((await request(site, "/local-only/public.txt")).status).toBe(404);
    expect((await request(site, "/far-only/x")).status).toBe(403);
  });

  test("a matching Require ip grants without authentication (RequireAny)", async () => {
    expect((await request(site, "/ip-or-user")).body).toBe("content for anonymous");
  });

  test("ErrorDocument with a local URL runs a handler with the original status", async () => {
    const r = await request(site, "/no/such/file");
    expect(r.status).toBe(404);
    expect(r.body).toBe("custom missing page for /no/such/file status 404");
  });

  test("ErrorDocument with literal text", async () => {
    const r = await request(site, "/denied/x");
    expect(r.body).toBe("Go away, please.");
  });

  test("name-based virtual hosts: ServerAlias wildcards, port ignored, default to the first", async () => {
    expect((await request(site, "/who", { host: "www.alpha.example" })).status).toBe(200);
    expect((await request(site, "/who", { host: "ALPHA.example" })).status).toBe(200);
    expect((await request(site, "/public.txt", { host: "unknown.example" })).body).toBe("public\n");
  });
});
