import * as fs from "node:fs";
import * as path from "node:path";
import { runCli, serve } from "../helpers/cli";
import { writeTree } from "../helpers/site";

const DEMO = path.resolve(__dirname, "../../examples/site/tsmod.conf");

describe("tsmod configtest", () => {
  test("the demo configuration is OK", () => {
    const r = runCli(["configtest", "-f", DEMO]);
    expect(r.stdout).toBe("Syntax OK\n");
    expect(r.status).toBe(0);
  });

  test("a misspelled directive, an unclosed section and a missing module: every error as FILE:LINE, exit 1", () => {
    const dir = writeTree({
      "bad.conf": "Listen 127.0.0.1:0\nServerNmae example\n<Location /app>\n  SetHandler tsmod\n  TsHandler app/missing\n</Location>\n<Directory /tmp>\n",
    });
    const file = path.join(dir, "bad.conf");
    const r = runCli(["configtest", "-f", file]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trim().split("\n");
    expect(lines).toEqual([
      `${file}:2: unknown directive 'ServerNmae' (did you mean 'ServerName'?)`,
      expect.stringMatching(new RegExp(`^${file}:7: <Directory> is never closed`)),
      expect.stringMatching(new RegExp(`^${file}:3: handler module 'app/missing' not found`)),
    ]);
  });

  test("a missing file", () => {
    const r = runCli(["configtest", "-f", "/nonexistent/tsmod.conf"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("/nonexistent/tsmod.conf:0: configuration file not found");
  });

  test("-D defines reach <IfDefine>", () => {
    const dir = writeTree({ "d.conf": "Listen 127.0.0.1:0\n<IfDefine BROKEN>\nNoSuchDirective\n</IfDefine>\n" });
    expect(runCli(["configtest", "-f", path.join(dir, "d.conf")]).status).toBe(0);
    expect(runCli(["configtest", "-f", path.join(dir, "d.conf"), "-D", "BROKEN"]).status).toBe(1);
  });

  test("usage errors", () => {
    expect(runCli(["serve"]).status).toBe(2);
    expect(runCli(["frobnicate", "-f", DEMO]).status).toBe(2);
  });
});

describe("tsmod serve", () => {
  test("prints one listening line per Listen, serves, and exits 0 on SIGTERM", async () => {
    const dir = writeTree({
      "s.conf": "Listen 127.0.0.1:0\nListen 127.0.0.1:0\nDocumentRoot www\n",
      "www/index.html": "<p>hi</p>\n",
    });
    const s = await serve(path.join(dir, "s.conf"), [], 2);
    expect(s.urls).toHaveLength(2);
    for (const url of s.urls) {
      const r = await fetch(url + "/index.html");
      expect(await r.text()).toBe("<p>hi</p>\n");
    }
    expect(await s.stop("SIGTERM")).toBe(0);
  });

  test("refuses to start on a bad configuration, with FILE:LINE errors", () => {
    const dir = writeTree({ "b.conf": "Listen 127.0.0.1:0\nBogus on\n" });
    const r = runCli(["serve", "-f", path.join(dir, "b.conf")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${path.join(dir, "b.conf")}:2: unknown directive 'Bogus'`);
  });

  test("the demo site starts from its configuration file", async () => {
    const dir = writeTree({});
    const conf = fs.readFileSync(DEMO, "utf8").replace("Listen 127.0.0.1:8080", "Listen 127.0.0.1:0").replace("DocumentRoot htdocs", `DocumentRoot ${path.dirname(DEMO)}/htdocs`);
    fs.writeFileSync(path.join(dir, "demo.conf"), `ServerRoot ${path.dirname(DEMO)}\n` + conf.replace(/TsOption demo.user_db \S+/, `TsOption demo.user_db ${dir}/users.db`));
    const s = await serve(path.join(dir, "demo.conf"));
    try {
      const hello = await fetch(s.urls[0] + "/hello?name=%3Ci%3E");
      expect(await hello.text()).toContain("Hello, &lt;i&gt;!");
      expect((await fetch(s.urls[0] + "/private/secret.html")).status).toBe(401);
      const ok = await fetch(s.urls[0] + "/private/secret.html", { headers: { Authorization: "Basic " + Buffer.from("demo:demo").toString("base64") } });
      expect(ok.status).toBe(200);
      expect(ok.headers.get("x-served-by")).toBe("tsmod demo fixup");
    } finally {
      expect(await s.stop()).toBe(0);
    }
  });
});
