import * as path from "node:path";
import { createModuleSet } from "../../index";
import { explain } from "../../platform/cli/explain";
import { loadSiteConfig } from "../../platform/module";
import { runCli } from "../helpers/cli";
import { writeTree } from "../helpers/site";

const CONF = `Listen 127.0.0.1:8080
DocumentRoot htdocs
<Directory htdocs/app>
  SetHandler tsmod
  TsHandler app
  TsAccessHandler app::access
</Directory>
<Files "*.ts">
  TsDebug On
</Files>
<Location /app>
  Header set X-App 1
</Location>
<Location /other>
  TsOption never here
</Location>
<VirtualHost *:8080>
  ServerName api.example
  DocumentRoot htdocs
  <Location /api>
    SetHandler tsmod
    TsHandler api
  </Location>
</VirtualHost>
`;

function site() {
  const dir = writeTree({ "htdocs/app/app.ts": "export function handler() { return 0; }\n", "htdocs/api.ts": "", "tsmod.conf": CONF });
  return { dir, site: loadSiteConfig(path.join(dir, "tsmod.conf"), createModuleSet()) };
}

describe("tsmod explain", () => {
  test("sections in merge order, the directive lines of those places with their modules, each phase's modules, the content handler", () => {
    const { dir, site: s } = site();
    const out = explain(s, { url: "/app/app.ts/more?x=1", method: "POST", host: "www.example" });
    expect(out).toContain("POST /app/app.ts/more?x=1 (Host: www.example, port 8080)");
    expect(out).toContain(`File: ${dir}/htdocs/app/app.ts (a file), path info /more`);
    const sections = out.slice(out.indexOf("Sections"), out.indexOf("Directives")).trim().split("\n").slice(1);
    expect(sections).toEqual([`  <Directory ${dir}/htdocs/app/>  tsmod.conf:3`, "  <Files *.ts>  tsmod.conf:8", "  <Location /app>  tsmod.conf:11"]);
    expect(out).toMatch(/^ {2}tsmod_handlers +TsAccessHandler app::access {2}\(tsmod\.conf:6\)$/m);
    expect(out).toMatch(/^ {2}headers +Header set X-App 1 {2}\(tsmod\.conf:12\)$/m);
    expect(out).not.toContain("never");
    expect(out.indexOf("SetHandler tsmod")).toBeLessThan(out.indexOf("TsDebug On"));
    expect(out).toMatch(/^ {2}access +tsmod_handlers, authz_core$/m);
    expect(out).toMatch(/^ {2}content +tsmod \(module tsmod_handlers\)$/m);
  });

  test("the Host chooses the virtual host; a <Location> handed to tsmod has no file", () => {
    const { site: s } = site();
    const out = explain(s, { url: "http://api.example:8080/api/x", method: "GET", host: null });
    expect(out).toContain("Virtual host: <VirtualHost *:8080> at tsmod.conf:17 (ServerName api.example)");
    expect(out).toContain("File: none (a <Location> handed to tsmod: no directory walk)");
    expect(out).toMatch(/^ {2}core +ServerName api\.example {2}\(tsmod\.conf:18\)$/m);
    expect(out).toMatch(/^ {2}tsmod_handlers +TsHandler api {2}\(tsmod\.conf:22\)$/m);
  });

  test("a static file: the default handler", () => {
    const { site: s } = site();
    expect(explain(s, { url: "/index.html", method: "GET", host: "localhost" })).toMatch(/^ {2}content +default-handler$/m);
  });

  test("the command", () => {
    const { dir } = site();
    const r = runCli(["explain", "-f", path.join(dir, "tsmod.conf"), "/app/app.ts", "--method", "get", "--host", "api.example"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^GET \/app\/app\.ts \(Host: api\.example, port 8080\)\n/);
    expect(runCli(["explain", "-f", path.join(dir, "tsmod.conf")])).toMatchObject({ status: 2, stderr: expect.stringContaining("explain needs a URL") });
  });
});
