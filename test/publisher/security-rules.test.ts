/*
 * One end-to-end case (or more) per row of the publisher's security table, and a check that
 * no row is left without one.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { SECURITY_RULES } from "../../publisher";
import { request, startSite, type TestSite } from "../helpers/site";

const HTDOCS = path.resolve(__dirname, "fixtures/htdocs");

function publisherConfig(root: string): string {
  return `LogLevel info
DocumentRoot ${root}
<Directory ${root}>
  SetHandler tsmod
  TsHandler tsmod/publisher
</Directory>`;
}

let site: TestSite;
let linked: TestSite;
let outside: string;
beforeAll(async () => {
  site = await startSite(publisherConfig(HTDOCS));
  // A site whose folder holds symlinks to a module and a folder outside it.
  outside = fs.mkdtempSync(path.join(os.tmpdir(), "tsmod-outside-"));
  fs.writeFileSync(path.join(outside, "secret.ts"), `export function index() { return "outside reached"; }\n`);
  linked = await startSite(publisherConfig("@DIR@/htdocs"), { "htdocs/inside.ts": `export function index() { return "inside ok"; }\n` });
  fs.symlinkSync(path.join(outside, "secret.ts"), path.join(linked.dir, "htdocs/link.ts"));
  fs.symlinkSync(outside, path.join(linked.dir, "htdocs/linkdir"));
  fs.symlinkSync(path.join(linked.dir, "htdocs/inside.ts"), path.join(linked.dir, "htdocs/alias.ts"));
});
afterAll(async () => {
  await site.close();
  await linked.close();
  fs.rmSync(outside, { recursive: true, force: true });
});

/** Every row: the URLs it must refuse, with the status and the log line naming the rule. */
const CASES: Record<string, { status: number; paths: string[]; site?: () => TestSite }> = {
  "private-module": { status: 403, paths: ["/_private.ts", "/_private", "/_internal/mod/index"] },
  "hidden-module": { status: 404, paths: ["/.hidden.ts", "/.hidden/index"] },
  "outside-root": { status: 403, paths: ["/link.ts", "/link", "/linkdir/secret"], site: () => linked },
  "not-a-file": { status: 404, paths: ["/empty/anything", "/empty/"] },
  "underscore-name": { status: 403, paths: ["/sec.ts/_hidden", "/sec.ts/plain/__proto__"] },
  "prototype-name": { status: 403, paths: ["/sec.ts/constructor", "/sec.ts/toString", "/sec.ts/valueOf", "/sec.ts/hasOwnProperty", "/sec.ts/isPrototypeOf", "/sec.ts/prototype", "/sec.ts/api/constructor"] },
  "not-exported": { status: 404, paths: ["/sec.ts/nothing", "/sec.ts/getterCalls"] },
  "imported-export": { status: 403, paths: ["/sec.ts/imported_fn", "/sec.ts/helper_function", "/sec.ts/alias_fn", "/sec.ts/alias_member", "/cjs.js/passed"] },
  "not-a-member": { status: 404, paths: ["/sec.ts/api/missing", "/tests.ts/instance/missing", "/sec.ts/vault/%23secret"] },
  "private-member": { status: 403, paths: ["/sec.ts/vault/secret", "/sec.ts/vault/guarded", "/sec.ts/vault/key", "/sec.ts/vault/pin/check", "/sec.ts/locker/code", "/sec.ts/locker/combo"] },
  accessor: { status: 403, paths: ["/sec.ts/api/computed"] },
  "function-not-traversable": { status: 403, paths: ["/sec.ts/plain/name", "/sec.ts/plain/call", "/sec.ts/Klass/run"] },
  "namespace-not-traversable": { status: 403, paths: ["/sec.ts/api/ns/helper_function"] },
  "builtin-not-traversable": { status: 403, paths: ["/sec.ts/list/0", "/sec.ts/when/getTime", "/sec.ts/table/get", "/sec.ts/DB_PASSWORD/length"] },
  "class-not-published": { status: 403, paths: ["/sec.ts/Klass"] },
  "native-not-published": { status: 403, paths: ["/sec.ts/bound", "/sec.ts/api/parse"] },
  "namespace-not-published": { status: 403, paths: ["/sec.ts/api/ns"] },
  "not-callable": { status: 403, paths: ["/sec.ts/DB_PASSWORD", "/sec.ts/when"] },
};

describe("security table", () => {
  it("every row has cases", () => {
    expect(Object.keys(CASES).sort()).toEqual(SECURITY_RULES.map((r) => r.id).sort());
  });

  for (const rule of SECURITY_RULES) {
    const c = CASES[rule.id];
    it.each(c?.paths ?? [])(`${rule.id}: %s → ${c?.status}`, async (p) => {
      const s = c.site ? c.site() : site;
      const r = await request(s, p);
      expect(r.status).toBe(c.status);
      expect(rule.status).toBe(c.status);
      expect(r.body).not.toMatch(/must not run|outside reached|helper reached|s3cret-value/);
      expect(s.log.some((line) => line.includes(`rule '${rule.id}'`))).toBe(true);
    });
  }

  it("a getter is never run by a refused traversal", async () => {
    await request(site, "/sec.ts/api/computed");
    expect((await request(site, "/sec.ts/getter_calls")).body).toBe("0");
  });
});

describe("what the table lets through", () => {
  it.each([
    ["/sec.ts/plain", "plain ok"],
    ["/sec.ts/local_fn", "local ok"],
    ["/sec.ts/api/echo", "echo ok"],
    ["/sec.ts/vault/open", "vault open"],
    ["/sec.ts/public_vault/guarded", "guarded made public"],
    ["/sec.ts/locker/open", "locker open"],
    ["/cjs.js/hello", "cjs hello"],
    ["/sub/", "sub index"],
    ["/sub/page", "sub page"],
    ["/sub/mod", "sub mod index"],
    ["/sub/mod/func", "sub mod func"],
    ["/sub/mod.ts/func/", "sub mod func"],
  ])("%s → %s", async (p, body) => {
    const r = await request(site, p);
    expect(r.status).toBe(200);
    expect(r.body).toBe(body);
  });

  it("a symlink that stays inside the folder is followed", async () => {
    expect((await request(linked, "/alias")).body).toBe("inside ok");
  });
});

describe("path escapes never reach a module outside the folder", () => {
  it.each(["/..%2f..%2fetc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/sub/%2e%2e/%2e%2e/sec.ts/plain/../../../x", "/sub/..%5c..%5csec.ts"])("%s", async (p) => {
    const r = await request(site, p);
    expect([400, 403, 404]).toContain(r.status);
  });
});

describe("a sibling folder whose name starts with the root's is outside it", () => {
  // htdocs-evil/ beside htdocs/: a prefix test without the separator would take it for inside.
  let sibling: TestSite;
  beforeAll(async () => {
    sibling = await startSite(
      `LogLevel info
DocumentRoot @DIR@/htdocs
Alias /evil @DIR@/htdocs-evil
SetHandler tsmod
TsHandler tsmod/publisher`,
      {
        "htdocs/inside.ts": `export function index() { return "inside ok"; }\n`,
        "htdocs-evil/m.ts": `export function index() { return "outside reached"; }\n`,
      },
    );
    fs.symlinkSync(path.join(sibling.dir, "htdocs-evil/m.ts"), path.join(sibling.dir, "htdocs/link.ts"));
    fs.symlinkSync(path.join(sibling.dir, "htdocs-evil"), path.join(sibling.dir, "htdocs/linkdir"));
  });
  afterAll(() => sibling.close());

  it.each(["/evil/m", "/evil/m.ts/index", "/link", "/linkdir/m"])("%s → 403 by 'outside-root'", async (p) => {
    const before = sibling.log.length;
    const r = await request(sibling, p);
    expect(r.status).toBe(403);
    expect(r.body).not.toContain("outside reached");
    expect(sibling.log.slice(before).some((line) => line.includes("rule 'outside-root'"))).toBe(true);
  });

  it("the root itself still serves", async () => {
    expect((await request(sibling, "/inside")).body).toBe("inside ok");
  });
});

describe("the rules are judged from the section's own folder", () => {
  it("a section on a '_' folder serves it, and that does not open the folder to a section above it", async () => {
    const inner = await startSite(`DocumentRoot ${HTDOCS}
<Directory ${path.join(HTDOCS, "_internal")}>
  SetHandler tsmod
  TsHandler tsmod/publisher
</Directory>`);
    try {
      // Same file, same path, two roots: the publisher's lookup cache must tell them apart.
      expect((await request(inner, "/_internal/mod/index")).status).toBe(200);
      expect((await request(site, "/_internal/mod/index")).status).toBe(403);
      expect((await request(inner, "/_internal/mod/index")).status).toBe(200);
    } finally {
      await inner.close();
    }
  });
});
