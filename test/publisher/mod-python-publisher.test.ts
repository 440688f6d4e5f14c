/*
 * mod_python's publisher tests (test/test.py group I), ported: one server, one name-based
 * virtual host per upstream vhost, every exchange over real HTTP.
 */
import * as path from "node:path";
import { request, startSite, type TestSite } from "../helpers/site";

const HTDOCS = path.resolve(__dirname, "fixtures/htdocs");

function vhost(name: string): string {
  return `<VirtualHost *>
  ServerName ${name}
  DocumentRoot ${HTDOCS}
  <Directory ${HTDOCS}>
    SetHandler tsmod
    TsHandler tsmod/publisher
    TsDebug On
  </Directory>
</VirtualHost>`;
}

const VHOSTS = ["test_publisher", "test_publisher_auth_nested", "test_publisher_auth_method_nested", "test_publisher_auth_digest", "test_publisher_hierarchy"];

let site: TestSite;
beforeAll(async () => {
  site = await startSite([`ServerName 127.0.0.1`, `DocumentRoot ${HTDOCS}`, ...VHOSTS.map(vhost)].join("\n"));
});
afterAll(() => site.close());

const get = (host: string, p: string, headers: Record<string, string> = {}) => request(site, p, { host, headers });
const basic = (user: string, password: string) => ({ authorization: "Basic " + Buffer.from(`${user}:${password}`).toString("base64") });

describe("I1 test_publisher: URL to module and function", () => {
  it.each(["/tests.ts", "/tests.ts/index", "/tests.ts/test_publisher", "/tests"])("%s → tests.ts", async (p) => {
    const r = await get("test_publisher", p);
    expect(r.status).toBe(200);
    expect(r.body).toBe("test ok, interpreter=test_publisher");
  });

  it("/ → index.ts:index", async () => {
    expect((await get("test_publisher", "/")).body).toBe("test 1 ok, interpreter=test_publisher");
  });

  it("/foobar → index.ts:foobar (no foobar module)", async () => {
    expect((await get("test_publisher", "/foobar")).body).toBe("test 2 ok, interpreter=test_publisher");
  });
});

describe("I2 test_publisher_auth_nested: hooks on the function", () => {
  const p = "/tests.ts/test_publisher_auth_nested";

  it("right credentials: both hooks ran", async () => {
    const r = await get("test_publisher_auth_nested", p, basic("spam", "eggs"));
    expect(r.status).toBe(200);
    expect(r.body).toBe("test ok, interpreter=test_publisher_auth_nested");
  });

  it("no credentials: 401 with the default realm", async () => {
    const r = await get("test_publisher_auth_nested", p);
    expect(r.status).toBe(401);
    expect(r.headers["www-authenticate"]).toBe('Basic realm="unknown"');
  });

  it("wrong password: 401", async () => {
    expect((await get("test_publisher_auth_nested", p, basic("spam", "ham"))).status).toBe(401);
  });

  it("__access__ false: 403", async () => {
    const r = await get("test_publisher_auth_nested", "/tests.ts/test_publisher_access_refused", basic("spam", "eggs"));
    expect(r.status).toBe(403);
    expect(r.body).not.toContain("must not run");
  });

  it("malformed Basic header: 400", async () => {
    expect((await get("test_publisher_auth_nested", p, { authorization: "Basic bm9jb2xvbg==" })).status).toBe(400);
  });
});

describe("I3 test_publisher_auth_method_nested", () => {
  it("hooks on an instance method", async () => {
    const r = await get("test_publisher_auth_method_nested", "/tests.ts/test_publisher_auth_method_nested/method", basic("spam", "eggs"));
    expect(r.body).toBe("test ok, interpreter=test_publisher_auth_method_nested");
  });

  it("the method's hooks apply without credentials", async () => {
    expect((await get("test_publisher_auth_method_nested", "/tests.ts/test_publisher_auth_method_nested/method")).status).toBe(401);
  });
});

describe("I4 test_publisher_auth_digest", () => {
  it("a Digest header is ignored where no hook asks for credentials", async () => {
    const digest =
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", qop=auth, nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41"';
    const r = await get("test_publisher_auth_digest", "/tests.ts/test_publisher", { authorization: digest });
    expect(r.status).toBe(200);
    expect(r.body).toBe("test ok, interpreter=test_publisher_auth_digest");
  });

  it("a Digest header where a hook does ask: a Basic challenge, not 400", async () => {
    const r = await get("test_publisher_auth_digest", "/tests.ts/test_publisher_auth_nested", { authorization: 'Digest username="Mufasa"' });
    expect(r.status).toBe(401);
  });
});

describe("I5 test_publisher_security", () => {
  it.each([
    "/tests.ts/_SECRET_PASSWORD",
    "/tests.ts/__ANSWER",
    "/tests.ts/re",
    "/tests.ts/OldStyleClassTest",
    "/tests.ts/InstanceTest",
    "/tests.ts/index/name",
    "/tests.ts/index/length",
    "/tests.ts/index/call",
    "/tests.ts/old_instance/traverse/call",
    "/tests.ts/instance/traverse/call",
    "/tests.ts/test_dict/keys",
    "/tests.ts/test_dict_keys",
  ])("%s → 403", async (p) => {
    expect((await get("test_publisher", p)).status).toBe(403);
  });

  it.each([
    "/tests.ts/constructor",
    "/tests.ts/__proto__",
    "/tests.ts/toString",
    "/tests.ts/valueOf",
    "/tests.ts/hasOwnProperty",
    "/tests.ts/__defineGetter__",
    "/tests.ts/instance/constructor",
    "/tests.ts/instance/toString",
    "/tests.ts/instance/__call__",
    "/tests.ts/index/constructor/constructor",
    "/tests.ts/hierarchy_root/constructor",
    "/tests.ts/hierarchy_root/__proto__/toString",
    "/tests.ts/re/helper_function",
    "/tests.ts/helper_function",
  ])("JS prototype and import paths: %s → 403/404, never run", async (p) => {
    const r = await get("test_publisher", p);
    expect([403, 404]).toContain(r.status);
    expect(r.body).not.toContain("helper reached");
  });
});

describe("I6 test_publisher_iterator (disabled upstream; tsmod streams generators)", () => {
  it("a generator's chunks are the body", async () => {
    expect((await get("test_publisher", "/tests.ts/test_generator")).body).toBe("0123456789");
  });
});

describe("I7 test_publisher_hierarchy", () => {
  it.each([
    ["/tests.ts/hierarchy_root", "Called root"],
    ["/tests.ts/hierarchy_root/page1", "Called page1"],
    ["/tests.ts/hierarchy_root/page1/subpage1", "Called subpage1"],
    ["/tests.ts/hierarchy_root/page2", "Called page2"],
    ["/tests.ts/hierarchy_root_2", "test ok, interpreter=test_publisher_hierarchy"],
    ["/tests.ts/hierarchy_root_2/page1", "test ok, interpreter=test_publisher_hierarchy"],
    ["/tests.ts/hierarchy_root_2/page2", "test ok, interpreter=test_publisher_hierarchy"],
  ])("%s → %s", async (p, body) => {
    const r = await get("test_publisher_hierarchy", p);
    expect(r.status).toBe(200);
    expect(r.body).toBe(body);
  });
});

describe("I8/I9 test_publisher_instance (old-style instances collapse into I9)", () => {
  it.each([
    ["/tests.ts/instance", "test callable instance ok"],
    ["/tests.ts/instance/traverse", "test traversable instance ok"],
    ["/tests.ts/old_instance", "test callable old-style instance ok"],
    ["/tests.ts/old_instance/traverse", "test traversable old-style instance ok"],
  ])("%s → %s", async (p, body) => {
    expect((await get("test_publisher", p)).body).toBe(body);
  });
});
