/*
 * Behind a proxy (mod_remoteip): from a trusted proxy, the client's address, scheme and host
 * are used everywhere (req.connection.remoteIp, Require ip, the access log, isHttps,
 * constructUrl, mod_dir's trailing-slash and Redirect locations); from anyone else the headers
 * are ignored. UseCanonicalName On names ServerName instead.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { request, startSite, waitFor, writeTree, type TestSite } from "../helpers/site";

const APP = `import { OK, type Request } from "tsmod";
export async function handler(req: Request): Promise<number> {
  await req.write(\`\${req.connection.remoteIp} https=\${req.isHttps()} \${req.constructUrl("/x")}\`);
  return OK;
}
`;

function siteConfig(trusted: string, accessLog: string, extra = ""): string {
  return `ServerName backend.internal
DocumentRoot @DIR@/htdocs
RemoteIPHeader X-Forwarded-For
RemoteIPTrustedProxy ${trusted}
${extra}
LogFormat "%a %h" ips
CustomLog ${accessLog} ips
Redirect /old /new
<Location /show>
  SetHandler tsmod
  TsHandler app/app
</Location>
<Location /members>
  SetHandler tsmod
  TsHandler app/app
  Require ip 203.0.113.0/24
</Location>`;
}

const FORWARDED = { "X-Forwarded-For": "198.51.100.9, 203.0.113.7", "X-Forwarded-Proto": "https" };

describe("from a trusted proxy", () => {
  let site: TestSite;
  const dir = writeTree({ "app/app.ts": APP, "htdocs/files/a.txt": "a" });
  const accessLog = path.join(dir, "access.log");
  beforeAll(async () => {
    site = await startSite(siteConfig("127.0.0.1", accessLog), {}, dir);
  });
  afterAll(() => site.close());

  test("the client's address and scheme, and the host the client asked for without the backend port", async () => {
    const r = await request(site, "/show", { host: "example.com:", headers: FORWARDED });
    expect(r.body).toBe("203.0.113.7 https=true https://example.com/x");
  });

  test("the trailing-slash redirect and Redirect point at the client's URL, never the backend port", async () => {
    const dirRedirect = await request(site, "/files", { headers: { ...FORWARDED, Host: "example.com" } });
    expect(dirRedirect.status).toBe(301);
    expect(dirRedirect.headers.location).toBe("https://example.com/files/");
    const plain = await request(site, "/files", { headers: { "X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "http", Host: "example.com" } });
    expect(plain.headers.location).toBe("http://example.com/files/");
    const redirect = await request(site, "/old", { headers: { ...FORWARDED, Host: "example.com" } });
    expect(redirect.headers.location).toBe("https://example.com/new");
  });

  test("Require ip and the access log see the client", async () => {
    expect((await request(site, "/members", { headers: FORWARDED })).status).toBe(200);
    expect((await request(site, "/members", { headers: { "X-Forwarded-For": "192.0.2.1" } })).status).toBe(403);
    await waitFor(() => fs.existsSync(accessLog) && fs.readFileSync(accessLog, "utf8").includes("192.0.2.1 192.0.2.1"));
    expect(fs.readFileSync(accessLog, "utf8")).toContain("203.0.113.7 203.0.113.7\n");
  });

  test("a trusted proxy in the chain is passed over; a malformed hop stops the walk", async () => {
    const r = await request(site, "/show", { headers: { "X-Forwarded-For": "203.0.113.5, 127.0.0.1" } });
    expect(r.body.split(" ")[0]).toBe("203.0.113.5");
    const bad = await request(site, "/show", { headers: { "X-Forwarded-For": "203.0.113.5, not-an-ip" } });
    expect(bad.body.split(" ")[0]).toBe("127.0.0.1");
  });
});

describe("from a peer that is not a trusted proxy", () => {
  let site: TestSite;
  const dir = writeTree({ "app/app.ts": APP, "htdocs/files/a.txt": "a" });
  beforeAll(async () => {
    site = await startSite(siteConfig("10.0.0.0/8", path.join(dir, "access.log")), {}, dir);
  });
  afterAll(() => site.close());

  test("the forwarding headers are ignored", async () => {
    const r = await request(site, "/show", { headers: { ...FORWARDED, Host: "example.com" } });
    expect(r.body).toBe(`127.0.0.1 https=false http://example.com:${site.port}/x`);
    expect((await request(site, "/members", { headers: FORWARDED })).status).toBe(403);
  });
});

describe("UseCanonicalName On", () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await startSite(siteConfig("127.0.0.1", "/dev/null", "UseCanonicalName On"), { "app/app.ts": APP, "htdocs/files/a.txt": "a" });
  });
  afterAll(() => site.close());

  test("self-referential URLs name ServerName", async () => {
    const direct = await request(site, "/files", { host: "alias.example" });
    expect(direct.headers.location).toBe(`http://backend.internal:${site.port}/files/`);
    const proxied = await request(site, "/files", { headers: { ...FORWARDED, Host: "example.com" } });
    expect(proxied.headers.location).toBe("https://backend.internal/files/");
  });
});
