import * as fs from "node:fs";
import * as path from "node:path";
import { describeWithPostgres, dropSchema, PG_URL, uniqueSchema } from "../helpers/postgres";
import { request, startSite, type TestSite } from "../helpers/site";
import { basic, LOAD_TEST_PROVIDER, tsmod } from "./auth-site";

/** A site whose /files are guarded by the tsmod user database; `database` lines choose where it lives. */
const config = (database: string) => `
${database}
TsOption tsmod.auth.scrypt_cost 10
DocumentRoot @DIR@/www
<Location /files>
  AuthType Basic
  AuthName "Members only"
  TestAuthProvider tsmod
  Require valid-user
</Location>
<Location /files/admin>
  Require group admins
</Location>
<Location /whoami>
  SetHandler tsmod
  TsHandler @DIR@/code/whoami.ts
</Location>
`;

const FILES = {
  "www/files/a.txt": "member file\n",
  "www/files/admin/b.txt": "admin file\n",
  "code/whoami.ts": `
import { OK, userDatabase, type Request } from "tsmod";
export async function handler(req: Request) {
  const db = userDatabase(req);
  const name = req.args ?? "";
  const [user, password] = name.split(":");
  const verified = await db.verify(user, password);
  req.contentType = "application/json";
  req.write(JSON.stringify({ verified, groups: await db.groups(user) ?? null }));
  return OK;
}
`,
};

/** Asks until the answer is `status` (a running server sees CLI changes within 2 s). */
async function eventually(site: TestSite, url: string, headers: Record<string, string>, status: number): Promise<void> {
  const until = Date.now() + 2500;
  for (;;) {
    const r = await request(site, url, { headers });
    if (r.status === status) return;
    if (Date.now() > until) throw new Error(`${url}: still ${r.status}, expected ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function suite(name: string, database: () => string, cleanup: () => Promise<void> = async () => undefined) {
  describe(name, () => {
    let site: TestSite;
    let conf: string;
    const cli = async (args: string[], input = "") => {
      const r = await tsmod([args[0], ...(args[0] === "user" || args[0] === "group" ? [args[1], "-f", conf, ...args.slice(2)] : ["-f", conf, ...args.slice(1)])], input);
      if (r.status !== 0) throw new Error(`tsmod ${args.join(" ")}: ${r.stderr}`);
      return r.stdout;
    };

    beforeAll(async () => {
      site = await startSite(LOAD_TEST_PROVIDER + "\n" + config(database()), FILES);
      // The CLI reads the database settings from any configuration naming them: a small one
      // beside the site's (same ServerRoot) spares each command loading the test module.
      conf = path.join(site.dir, "cli.conf");
      fs.writeFileSync(conf, `Listen 127.0.0.1:0\n${database()}\nTsOption tsmod.auth.scrypt_cost 10\n`);
      await cli(["passwd", "--stdin", "alice"], "alice-pw\n");
      await cli(["passwd", "--stdin", "bob"], "bob-pw\n");
      await cli(["group", "add", "admins", "alice"]);
    }, 30_000);
    afterAll(async () => {
      await site?.close();
      await cleanup();
    });

    test("401 with the realm without credentials, 200 with them; wrong password and unknown user refused", async () => {
      const none = await request(site, "/files/a.txt");
      expect(none.status).toBe(401);
      expect(none.headers["www-authenticate"]).toBe('Basic realm="Members only"');
      expect((await request(site, "/files/a.txt", { headers: basic("alice", "alice-pw") })).body).toBe("member file\n");
      expect((await request(site, "/files/a.txt", { headers: basic("alice", "wrong") })).status).toBe(401);
      expect((await request(site, "/files/a.txt", { headers: basic("nobody", "alice-pw") })).status).toBe(401);
    });

    test("Require group is answered by the database's groups", async () => {
      expect((await request(site, "/files/admin/b.txt", { headers: basic("alice", "alice-pw") })).status).toBe(200);
      expect((await request(site, "/files/admin/b.txt", { headers: basic("bob", "bob-pw") })).status).toBe(401);
    });

    test("tsmod users lists users and groups", async () => {
      expect(await cli(["users"])).toBe("alice\tgroups: admins\nbob\n");
    });

    test("the CLI changes users on the running server, through the credential cache", async () => {
      const bob = basic("bob", "bob-pw");
      expect((await request(site, "/files/a.txt", { headers: bob })).status).toBe(200); // now cached
      await cli(["passwd", "--stdin", "bob"], "bob-new\n");
      await eventually(site, "/files/a.txt", bob, 401);
      expect((await request(site, "/files/a.txt", { headers: basic("bob", "bob-new") })).status).toBe(200);

      await cli(["user", "disable", "bob"]);
      await eventually(site, "/files/a.txt", basic("bob", "bob-new"), 401);
      await cli(["user", "enable", "bob"]);
      await eventually(site, "/files/a.txt", basic("bob", "bob-new"), 200);

      await cli(["group", "add", "admins", "bob"]);
      await eventually(site, "/files/admin/b.txt", basic("bob", "bob-new"), 200);
      await cli(["group", "del", "admins", "bob"]);
      await eventually(site, "/files/admin/b.txt", basic("bob", "bob-new"), 401);

      await cli(["user", "del", "bob"]);
      await eventually(site, "/files/a.txt", basic("bob", "bob-new"), 401);
    }, 30_000);

    test("userDatabase(req) from handler code", async () => {
      const ok = JSON.parse((await request(site, "/whoami?alice:alice-pw")).body);
      expect(ok).toEqual({ verified: { name: "alice", groups: ["admins"] }, groups: ["admins"] });
      const wrong = JSON.parse((await request(site, "/whoami?alice:nope")).body);
      expect(wrong).toEqual({ verified: null, groups: ["admins"] });
    });

    test("CLI errors: an unknown user, a usage error", async () => {
      const del = await tsmod(["user", "del", "-f", conf, "ghost"]);
      expect(del.status).toBe(1);
      expect(del.stderr).toContain("no user 'ghost'");
      expect((await tsmod(["passwd", "-f", conf])).status).toBe(2);
    });
  });
}

suite("tsmod user database on SQLite (the default data/users.db under ServerRoot)", () => "");

const schema = uniqueSchema("tsmod_users");
const ON_POSTGRES = "tsmod user database on PostgreSQL (a schema of this run's own)";
if (PG_URL) suite(ON_POSTGRES, () => `TsOption tsmod.auth.database ${PG_URL}\nTsOption tsmod.auth.schema ${schema}`, () => dropSchema(schema));
// Without TSMOD_TEST_PG_URL jest reports this as skipped, never as passed.
else describeWithPostgres(ON_POSTGRES, () => test("needs TSMOD_TEST_PG_URL", () => undefined));
