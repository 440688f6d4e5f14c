import { createHash } from "node:crypto";
import * as path from "node:path";
import { configErrors, loadConfig } from "../helpers/config";
import { request, startSite, writeTree, type TestSite } from "../helpers/site";

const basic = (user: string, password: string) => ({ Authorization: "Basic " + Buffer.from(`${user}:${password}`).toString("base64") });
const alice = basic("alice", "pw-a");
const bob = basic("bob", "pw-b");
const carol = basic("carol", "pw-c");

// {SHA} entries keep this suite fast; the hash forms are basic-file.test.ts's subject.
const sha = (pw: string) => "{SHA}" + createHash("sha1").update(pw).digest("base64");

const files = {
  "auth/htpasswd": `alice:${sha("pw-a")}\nbob:${sha("pw-b")}\ncarol:${sha("pw-c")}\n`,
  "auth/groups": "staff: alice bob\nbanned: bob\n",
  "htdocs/index.txt": "x\n",
  "app/requires.ts": `import { OK, type Request } from "tsmod";
export async function handler(req: Request): Promise<number> {
  await req.write(JSON.stringify(req.requires()));
  return OK;
}
`,
};

const auth = `AuthType Basic
  AuthName Rules
  AuthUserFile @DIR@/auth/htpasswd
  AuthGroupFile @DIR@/auth/groups`;

const config = `ServerName rules.test
DocumentRoot @DIR@/htdocs
Alias /not-in-all @DIR@/htdocs
Alias /none-in-all @DIR@/htdocs
Alias /methods @DIR@/htdocs
Alias /limit @DIR@/htdocs
Alias /except @DIR@/htdocs
Alias /merge-off @DIR@/htdocs
Alias /merge-and @DIR@/htdocs
Alias /merge-or @DIR@/htdocs
Alias /any-ip-or-user @DIR@/htdocs
Alias /denied-ip @DIR@/htdocs
<Location /not-in-all>
  ${auth}
  <RequireAll>
    Require group staff
    Require not group banned
  </RequireAll>
</Location>
<Location /none-in-all>
  ${auth}
  <RequireAll>
    Require valid-user
    <RequireNone>
      Require user carol
      Require group banned
    </RequireNone>
  </RequireAll>
</Location>
<Location /methods>
  ${auth}
  <RequireAny>
    Require method GET OPTIONS
    Require user alice
  </RequireAny>
</Location>
<Location /limit>
  ${auth}
  <Limit POST PUT DELETE>
    Require valid-user
  </Limit>
</Location>
<Location /except>
  ${auth}
  Require all granted
  <LimitExcept GET>
    Require user alice
  </LimitExcept>
</Location>
<Location /merge-off>
  ${auth}
  Require user alice
</Location>
<Location /merge-off/inner>
  Require user bob
</Location>
<Location /merge-and>
  ${auth}
  Require group staff
</Location>
<Location /merge-and/inner>
  AuthMerging And
  Require user bob carol
</Location>
<Location /merge-and/inner/requires>
  SetHandler tsmod
  TsHandler @DIR@/app/requires
</Location>
<Location /merge-or>
  ${auth}
  Require user alice
</Location>
<Location /merge-or/inner>
  AuthMerging Or
  Require user carol
</Location>
<Location /any-ip-or-user>
  ${auth}
  Require ip 10.9.9.9
  Require user carol
</Location>
<Location /denied-ip>
  <RequireAll>
    Require all granted
    Require not ip 127.0.0.1 ::1
  </RequireAll>
</Location>
`;

describe("Require: mod_authz_core's evaluation over real HTTP", () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await startSite(config, files);
  });
  afterAll(() => site.close());
  const status = async (p: string, headers?: Record<string, string>, method?: string) => (await request(site, p, { headers, method })).status;

  test("`not` inside RequireAll: staff but not banned", async () => {
    expect(await status("/not-in-all/index.txt", alice)).toBe(200);
    expect(await status("/not-in-all/index.txt", bob)).toBe(401);
    expect(await status("/not-in-all/index.txt", carol)).toBe(401);
    expect(await status("/not-in-all/index.txt")).toBe(401);
  });

  test("RequireNone inside RequireAll can only deny", async () => {
    expect(await status("/none-in-all/index.txt", alice)).toBe(200);
    expect(await status("/none-in-all/index.txt", bob)).toBe(401);
    expect(await status("/none-in-all/index.txt", carol)).toBe(401);
  });

  test("Require method: GET (and HEAD) for anyone, other methods for alice", async () => {
    expect(await status("/methods/index.txt")).toBe(200);
    expect(await status("/methods/index.txt", undefined, "HEAD")).toBe(200);
    expect(await status("/methods/index.txt", undefined, "DELETE")).toBe(401);
    expect(await status("/methods/index.txt", bob, "DELETE")).toBe(401);
    expect(await status("/methods/index.txt", alice, "DELETE")).not.toBe(401);
  });

  test("<Limit POST PUT DELETE>: other methods are unprotected", async () => {
    expect(await status("/limit/index.txt")).toBe(200);
    expect(await status("/limit/index.txt", undefined, "POST")).toBe(401);
    expect(await status("/limit/index.txt", bob, "POST")).not.toBe(401);
  });

  test("<LimitExcept GET>: GET for all, anything else for alice", async () => {
    expect(await status("/except/index.txt")).toBe(200);
    expect(await status("/except/index.txt", undefined, "HEAD")).toBe(200);
    // The section also has `Require all granted`, so a POST is granted by that line (RequireAny).
    expect(await status("/except/index.txt", undefined, "POST")).not.toBe(401);
  });

  test("a section's Require lines replace the inherited ones (AuthMerging Off)", async () => {
    expect(await status("/merge-off/index.txt", alice)).toBe(200);
    expect(await status("/merge-off/inner", alice)).toBe(401);
    expect(await status("/merge-off/inner", bob)).toBe(404);
  });

  test("AuthMerging And: the inherited rules and the section's both", async () => {
    expect(await status("/merge-and/inner", bob)).toBe(404);
    expect(await status("/merge-and/inner", alice)).toBe(401);
    expect(await status("/merge-and/inner", carol)).toBe(401);
  });

  test("AuthMerging Or: either", async () => {
    expect(await status("/merge-or/inner", alice)).toBe(404);
    expect(await status("/merge-or/inner", carol)).toBe(404);
    expect(await status("/merge-or/inner", bob)).toBe(401);
  });

  test("an ip line that does not match leaves the user lines to decide", async () => {
    expect(await status("/any-ip-or-user/index.txt")).toBe(401);
    expect(await status("/any-ip-or-user/index.txt", carol)).toBe(200);
  });

  test("Require not ip inside RequireAll denies the address with 403 (no AuthType, no user asked)", async () => {
    expect(await status("/denied-ip/index.txt")).toBe(403);
  });

  test("req.requires() lists the lines in effect (AuthMerging And keeps both sections')", async () => {
    const r = await request(site, "/merge-and/inner/requires", { headers: bob });
    expect([r.status, r.body]).toEqual([200, '["group staff","user bob carol"]']);
  });
});

describe("Require: configuration errors at FILE:LINE", () => {
  const errorsOf = (conf: string, extra: Record<string, string> = {}) => {
    const dir = writeTree({ "tsmod.conf": `Listen 127.0.0.1:0\n${conf}`, "auth/htpasswd": "", ...extra });
    return configErrors(() => loadConfig(path.join(dir, "tsmod.conf")));
  };

  test("a lone `Require not` or RequireNone has no effect: refused", () => {
    expect(errorsOf("<Location /a>\n  Require not ip 10.0.0.1\n</Location>")).toEqual([
      expect.stringMatching(/^conf:3: Require: a negative Require has no effect on its own/),
    ]);
    expect(errorsOf("<Location /a>\n  <RequireNone>\n    Require ip 10.0.0.1\n  </RequireNone>\n</Location>")).toEqual([
      expect.stringMatching(/^conf:3: RequireNone: <RequireNone> has no effect inside a section's implicit <RequireAny>/),
    ]);
  });

  test("containers: only negative, empty, negation inside RequireAny, foreign lines inside", () => {
    expect(errorsOf("<Location /a>\n  <RequireAll>\n    Require not ip 10.0.0.1\n  </RequireAll>\n</Location>")).toEqual([
      "conf:3: RequireAll: <RequireAll> contains only negative authorization directives",
    ]);
    expect(errorsOf("<Location /a>\n  <RequireAll>\n  </RequireAll>\n</Location>")).toEqual(["conf:3: RequireAll: <RequireAll> contains no authorization directives"]);
    expect(errorsOf("<Location /a>\n  <RequireAny>\n    Require all granted\n    Require not ip 10.0.0.1\n  </RequireAny>\n</Location>")).toEqual([
      "conf:5: a negative requirement has no effect inside <RequireAny>",
    ]);
    expect(errorsOf("<Location /a>\n  <Limit POST>\n    SetHandler tsmod\n  </Limit>\n</Location>")).toEqual([
      "conf:4: SetHandler is not allowed inside <Limit> (only Require lines and <Require*> containers)",
    ]);
    expect(errorsOf("<Location /a>\n  <Limit post>\n    Require valid-user\n  </Limit>\n</Location>")).toEqual([
      "conf:3: Limit: 'post' is not an HTTP method (methods are case-sensitive: POST)",
    ]);
    expect(errorsOf("<Location /a>\n  <RequireAll>\n    Require valid-user\n</Location>")).toEqual([
      expect.stringMatching(/^conf:5: <\/Location> without matching <Location> section \(expected <\/RequireAll>\)/),
      expect.stringMatching(/^conf:3: <RequireAll> is never closed/),
      expect.stringMatching(/^conf:2: <Location> is never closed/),
    ]);
  });

  test("the block language: <IfDefine> inside a block, a block written as a line, a section inside a block", () => {
    expect(errorsOf("<Location /a>\n  <RequireAll>\n    <IfDefine !NOPE>\n      Require ip 10.0.0.1\n    </IfDefine>\n    <IfDefine NOPE>\n      Require not ip 10.0.0.2\n    </IfDefine>\n  </RequireAll>\n</Location>")).toEqual([]);
    expect(errorsOf("<Location /a>\n  RequireAll\n</Location>")).toEqual(["conf:3: RequireAll is a block: write <RequireAll> ... </RequireAll>"]);
    expect(errorsOf("<RequireAll>\n  <Location /a>\n  </Location>\n  Require all granted\n</RequireAll>")).toEqual(["conf:3: <Location> is not allowed inside <RequireAll>"]);
    expect(errorsOf("<Location /a>\n  <Limit GET>\n    <Limit POST>\n      Require all granted\n    </Limit>\n  </Limit>\n</Location>")).toEqual([
      "conf:4: Limit: <Limit> is not allowed inside <Limit>",
    ]);
  });

  test("unknown requirement, AuthMerging value, unknown provider with a suggestion, unreadable files", () => {
    expect(errorsOf("<Location /a>\n  Require everybody\n</Location>")).toEqual([expect.stringMatching(/^conf:3: Require: unknown requirement 'everybody'/)]);
    expect(errorsOf("<Location /a>\n  AuthMerging Maybe\n</Location>")).toEqual(["conf:3: AuthMerging: takes Off, And or Or, not 'Maybe'"]);
    expect(errorsOf("<Location /a>\n  AuthType Basic\n  AuthBasicProvider fiel\n  Require valid-user\n</Location>")).toEqual([
      expect.stringMatching(/^conf:4: AuthBasicProvider: no authentication provider 'fiel' \(did you mean 'file'\?\)/),
    ]);
    expect(errorsOf("<Location /a>\n  AuthUserFile nowhere/htpasswd\n</Location>")).toEqual([expect.stringMatching(/^conf:3: AuthUserFile: cannot read .*nowhere\/htpasswd \(ENOENT\)/)]);
  });
});
