import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as bcrypt from "bcryptjs";
import { request, startSite, type TestSite } from "../helpers/site";

const basic = (user: string, password: string) => ({ Authorization: "Basic " + Buffer.from(`${user}:${password}`).toString("base64") });
const sha = (pw: string) => "{SHA}" + createHash("sha1").update(pw).digest("base64");
const ssha = (pw: string, salt: Buffer) => "{SSHA}" + Buffer.concat([createHash("sha1").update(pw).update(salt).digest(), salt]).toString("base64");

const users = [
  `alice:${bcrypt.hashSync("wonderland", 4).replace(/^\$2b\$/, "$2y$")}`,
  `bob:${bcrypt.hashSync("builder", 4).replace(/^\$2b\$/, "$2a$")}`,
  // openssl passwd -apr1 -salt abcdefgh secret
  "carol:$apr1$abcdefgh$h9FWgUz3n9YxylKLlR5SQ/",
  `dave:${sha("davepw")}`,
  `erin:${ssha("erinpw", Buffer.from("saltsalt"))}`,
].join("\n");

const files = {
  "htdocs/private/file.txt": "private static file\n",
  "htdocs/staff/file.txt": "staff only\n",
  "htdocs/code/file.txt": "code\n",
  "htdocs/open/file.txt": "open\n",
  "auth/htpasswd": users + "\n",
  "auth/groups": "staff: alice carol\nadmins: bob\n",
  "app/authen.ts": `import { OK, DECLINED, type Request } from "tsmod";
export function authenhandler(req: Request): number {
  const pw = req.getBasicAuthPw();
  if (req.user === "handler-user" && pw === "handler-pw") return OK;
  req.user = null;
  return DECLINED;
}
`,
};

const config = `ServerName auth.test
DocumentRoot @DIR@/htdocs
<Directory @DIR@/htdocs/private>
  AuthType Basic
  AuthName "Private Area"
  AuthUserFile @DIR@/auth/htpasswd
  Require valid-user
</Directory>
<Directory @DIR@/htdocs/staff>
  AuthType Basic
  AuthName Staff
  AuthBasicProvider file
  AuthUserFile @DIR@/auth/htpasswd
  AuthGroupFile @DIR@/auth/groups
  Require group staff
</Directory>
<Directory @DIR@/htdocs/code>
  AuthType Basic
  AuthName Code
  AuthUserFile @DIR@/auth/htpasswd
  AuthGroupFile @DIR@/auth/groups
  TsAuthenHandler app/authen
  Require user handler-user alice
</Directory>
<Directory @DIR@/htdocs/open>
  AuthType Basic
  AuthName Open
</Directory>
`;

describe("AuthType Basic with AuthUserFile: no handler code", () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await startSite(config, files);
  });
  afterAll(() => site.close());

  test.each([
    ["alice", "wonderland", "$2y$ bcrypt"],
    ["bob", "builder", "$2a$ bcrypt"],
    ["carol", "secret", "$apr1$"],
    ["dave", "davepw", "{SHA}"],
    ["erin", "erinpw", "{SSHA}"],
  ])("%s's %s entry (%s) lets the static file through", async (user, pw) => {
    const r = await request(site, "/private/file.txt", { headers: basic(user, pw) });
    expect([r.status, r.body]).toEqual([200, "private static file\n"]);
  });

  test("no credentials: 401 with the realm", async () => {
    const r = await request(site, "/private/file.txt");
    expect(r.status).toBe(401);
    expect(r.headers["www-authenticate"]).toBe('Basic realm="Private Area"');
  });

  test.each([
    ["alice", "wrong"],
    ["carol", "wonderland"],
    ["dave", "x"],
    ["erin", "erinpw-"],
    ["mallory", "wonderland"],
  ])("%s with a wrong password or unknown: 401 with the realm", async (user, pw) => {
    const r = await request(site, "/private/file.txt", { headers: basic(user, pw) });
    expect(r.status).toBe(401);
    expect(r.headers["www-authenticate"]).toBe('Basic realm="Private Area"');
  });

  test("a malformed Authorization header is a 401, not a 500", async () => {
    const r = await request(site, "/private/file.txt", { headers: { Authorization: "Basic !!!" } });
    expect(r.status).toBe(401);
  });

  test("Require group: AuthGroupFile's members in, others 401", async () => {
    expect((await request(site, "/staff/file.txt", { headers: basic("alice", "wonderland") })).status).toBe(200);
    expect((await request(site, "/staff/file.txt", { headers: basic("carol", "secret") })).status).toBe(200);
    const bob = await request(site, "/staff/file.txt", { headers: basic("bob", "builder") });
    expect(bob.status).toBe(401);
    expect(bob.headers["www-authenticate"]).toBe('Basic realm="Staff"');
  });

  test("a TsAuthenHandler runs first; when it declines, the AuthUserFile decides", async () => {
    expect((await request(site, "/code/file.txt", { headers: basic("handler-user", "handler-pw") })).status).toBe(200);
    expect((await request(site, "/code/file.txt", { headers: basic("alice", "wonderland") })).status).toBe(200);
    expect((await request(site, "/code/file.txt", { headers: basic("bob", "builder") })).status).toBe(401);
    expect((await request(site, "/code/file.txt", { headers: basic("alice", "nope") })).status).toBe(401);
  });

  test("AuthType without any Require is a 500 with the cause logged, as Apache", async () => {
    const r = await request(site, "/open/file.txt");
    expect(r.status).toBe(500);
    expect(site.log.join("\n")).toMatch(/AuthType configured with no corresponding authorization directives/);
  });

  test("an htpasswd file replaced while running (htpasswd writes by rename) is seen, and the cache dropped", async () => {
    const file = path.join(site.dir, "auth/htpasswd");
    expect((await request(site, "/private/file.txt", { headers: basic("alice", "wonderland") })).status).toBe(200);
    const tmp = file + ".tmp";
    fs.writeFileSync(tmp, users.replace(/^alice:.*$/m, `alice:${bcrypt.hashSync("new-password", 4)}`) + "\nfrank:" + sha("frankpw") + "\n");
    fs.renameSync(tmp, file);
    const deadline = Date.now() + 5000;
    let status = 0;
    while (Date.now() < deadline) {
      status = (await request(site, "/private/file.txt", { headers: basic("alice", "wonderland") })).status;
      if (status === 401) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe(401);
    expect((await request(site, "/private/file.txt", { headers: basic("alice", "new-password") })).status).toBe(200);
    expect((await request(site, "/private/file.txt", { headers: basic("frank", "frankpw") })).status).toBe(200);
  });

  test("an htpasswd file edited in place is seen too (a user removed)", async () => {
    const file = path.join(site.dir, "auth/htpasswd");
    expect((await request(site, "/private/file.txt", { headers: basic("dave", "davepw") })).status).toBe(200);
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(/^dave:.*\n/m, ""));
    const deadline = Date.now() + 5000;
    let status = 0;
    while (Date.now() < deadline) {
      status = (await request(site, "/private/file.txt", { headers: basic("dave", "davepw") })).status;
      if (status === 401) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe(401);
  });
});
