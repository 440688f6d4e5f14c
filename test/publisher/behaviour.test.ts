/*
 * The publisher's rules beyond mod_python's own tests: argument binding, results, methods,
 * and the value forms of the auth hooks. Real HTTP against one server.
 */
import * as path from "node:path";
import { request, startSite, type RequestOptions, type TestSite } from "../helpers/site";

const HTDOCS = path.resolve(__dirname, "fixtures/htdocs");

let site: TestSite;
beforeAll(async () => {
  site = await startSite(`DocumentRoot ${HTDOCS}
<Directory ${HTDOCS}>
  SetHandler tsmod
  TsHandler tsmod/publisher
</Directory>`);
});
afterAll(() => site.close());

const call = (p: string, opts: RequestOptions = {}) => request(site, p, opts);
const basic = (user: string, password: string) => ({ authorization: "Basic " + Buffer.from(`${user}:${password}`).toString("base64") });
const form = (body: string) => ({ body, headers: { "content-type": "application/x-www-form-urlencoded" } });

describe("argument binding", () => {
  it.each([
    ["/args.ts/greet?name=bob&n=3", "hello bob x3"],
    ["/args.ts/greet?name=bob", "hello bob x1"],
    ["/args.ts/greet?name=bob&extra=ignored", "hello bob x1"],
    ["/args.ts/greet?name=a&name=b", "hello a x1"],
    ["/args.ts/with_req?name=x", "GET x"],
    ["/args.ts/only_req?name=x", "only req GET"],
    ["/args.ts/optional", "optional none"],
    ["/args.ts/tags?tag=a&tag=b", '["a","b"]'],
    ["/args.ts/tags?tag=a", '["a"]'],
    ["/args.ts/tags_default?tag=a", '["a"]'],
    ["/args.ts/tags_default", "[]"],
    ["/args.ts/maybe_many?tag=a", '"a"'],
    ["/args.ts/maybe_many?tag=a&tag=b", '["a","b"]'],
    ["/args.ts/first_only?tag=a&tag=b", '"a"'],
    ["/args.ts/untyped?tag=a&tag=b", '["a","b"]'],
    ["/args.ts/untyped?tag=a", '"a"'],
    ["/args.ts/any_typed?tag=a&tag=b", '["a","b"]'],
    ["/args.ts/unknown_typed?tag=a&tag=b", '["a","b"]'],
    ["/args.ts/untyped_default?tag=a&tag=b", '"a"'],
    ["/args.ts/destructured_untyped?tag=a&tag=b", '["a","b"]'],
    ["/args.ts/destructured_named?tag=a&tag=b", '"a"'],
    ["/cjs.js/untyped?tag=a&tag=b", '["a","b"]'],
    ["/args.ts/destructured?name=x&tag=t&z=1&z=2", '{"name":"x","n":"1","tag":["t"],"rest":{"z":["1","2"]}}'],
    ["/args.ts/destructured_req?name=x", "GET x"],
    ["/args.ts/rest?a=1&b=2&b=3", '[{"a":"1","b":["2","3"]}]'],
    ["/args.ts/async_fn?name=z", "async z"],
    ["/args.ts/arrow?a=1&b=2", "1+2"],
    ["/args.ts/greeter/greet?name=Ann", "Hi Ann"],
  ])("%s → %s", async (p, body) => {
    const r = await call(p);
    expect(r.status).toBe(200);
    expect(r.body).toBe(body);
  });

  it("a field named __proto__ is an ordinary field", async () => {
    const r = await call("/args.ts/rest?__proto__=x&constructor=y");
    expect(JSON.parse(r.body)).toEqual([{ ["__proto__"]: "x", constructor: "y" }].map((o) => Object.fromEntries(Object.entries(o))));
  });

  it("urlencoded body fields join the query's", async () => {
    const r = await call("/args.ts/greet?n=2", form("name=posted"));
    expect(r.body).toBe("hello posted x2");
  });

  it("multipart: an upload arrives as its FileField", async () => {
    const body = ['--XyZ', 'Content-Disposition: form-data; name="title"', "", "T", '--XyZ', 'Content-Disposition: form-data; name="file"; filename="a.txt"', "Content-Type: text/plain", "", "hello", "--XyZ--", ""].join("\r\n");
    const r = await call("/args.ts/upload", { body, headers: { "content-type": "multipart/form-data; boundary=XyZ" } });
    expect(r.body).toBe("T:a.txt:5");
  });

  it("a function taking only req leaves the body to it", async () => {
    expect((await call("/args.ts/read_body", form("raw=1"))).body).toBe("body=raw=1");
  });

  it("a missing required parameter is a 400 naming it", async () => {
    const r = await call("/args.ts/greet");
    expect(r.status).toBe(400);
    expect(r.body).toContain("missing required parameter: name");
  });

  it("an empty field counts as absent (req.form() drops blank values)", async () => {
    expect((await call("/args.ts/greet?name=")).status).toBe(400);
    expect((await call("/args.ts/greet?name=x&n=")).body).toBe("hello x x1");
  });

  it("several missing parameters are named together", async () => {
    const r = await call("/args.ts/two_required");
    expect(r.status).toBe(400);
    expect(r.body).toContain("missing required parameters: a, b");
  });

  it("a destructured field without a default is required", async () => {
    expect((await call("/args.ts/destructured")).status).toBe(400);
  });

  it("an array-pattern parameter cannot be filled: 500, logged", async () => {
    expect((await call("/args.ts/unbindable?a=1")).status).toBe(500);
    expect(site.log.some((l) => l.includes("cannot fill the parameter"))).toBe(true);
  });
});

describe("results", () => {
  it.each([
    ["/results.ts/text", "text/plain; charset=utf-8", "just text"],
    ["/results.ts/page", "text/html; charset=utf-8", "<!DOCTYPE html>\n<html><body>hi</body></html>"],
    ["/results.ts/page_tail", "text/html; charset=utf-8", "<h1>x</h1></HTML>\n"],
    ["/results.ts/typed", "text/csv", "a,b\n"],
    ["/results.ts/object", "application/json; charset=utf-8", '{"a":1,"list":[1,2],"map":{"k":"v"}}'],
    ["/results.ts/array", "application/json; charset=utf-8", '[1,"two"]'],
    ["/results.ts/number", "text/plain; charset=utf-8", "42"],
    ["/results.ts/written", "text/plain; charset=utf-8", "written twice"],
    ["/results.ts/chunks", "text/plain; charset=utf-8", "abc"],
    ["/results.ts/stream", "application/octet-stream", "s1s2"],
  ])("%s → %s", async (p, type, body) => {
    const r = await call(p);
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toBe(type);
    expect(r.body).toBe(body);
  });

  it("bytes are sent as they are", async () => {
    const r = await call("/results.ts/bytes");
    expect(r.headers["content-type"]).toBe("application/octet-stream");
    expect([...r.raw]).toEqual([0, 1, 2, 255]);
  });

  it("undefined with nothing written: an empty 200", async () => {
    const r = await call("/results.ts/nothing");
    expect(r.status).toBe(200);
    expect(r.body).toBe("");
  });

  it("a small result has a Content-Length", async () => {
    expect((await call("/results.ts/text")).headers["content-length"]).toBe("9");
  });

  it("req.status set by the function is the status", async () => {
    const r = await call("/results.ts/created");
    expect(r.status).toBe(201);
    expect(r.body).toBe("made");
  });

  it("a thrown ServerReturn is the result", async () => {
    expect((await call("/results.ts/server_return")).status).toBe(409);
  });

  it("a thrown error is a logged 500", async () => {
    expect((await call("/results.ts/boom")).status).toBe(500);
    expect(site.log.some((l) => l.includes("kaboom"))).toBe(true);
  });

  it("a stream yielding a non-chunk is an error after what was sent", async () => {
    const r = await call("/results.ts/bad_chunk");
    expect(r.body.startsWith("ok")).toBe(true);
    expect(site.log.some((l) => l.includes("chunks must be strings or bytes"))).toBe(true);
  });

  it.each(["/results.ts/text", "/results.ts/object", "/results.ts/chunks"])("HEAD %s: headers, no body", async (p) => {
    const r = await call(p, { method: "HEAD" });
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toBeDefined();
    expect(r.raw.length).toBe(0);
  });
});

describe("methods", () => {
  it.each([
    ["GET", "/methods.ts/any", 200],
    ["POST", "/methods.ts/any", 200],
    ["HEAD", "/methods.ts/any", 200],
    ["PUT", "/methods.ts/any", 405],
    ["DELETE", "/methods.ts/any", 405],
    ["OPTIONS", "/methods.ts/any", 405],
    ["GET", "/methods.ts/post_only", 405],
    ["POST", "/methods.ts/post_only", 200],
    ["PUT", "/methods.ts/put_too", 200],
    ["HEAD", "/methods.ts/put_too", 200],
    ["DELETE", "/methods.ts/resource/item", 200],
    ["POST", "/methods.ts/resource/item", 405],
    ["DELETE", "/methods.ts/resource/frozen", 405],
  ])("%s %s → %i", async (method, p, status) => {
    expect((await call(p, { method })).status).toBe(status);
  });

  it("405 lists the allowed methods", async () => {
    expect((await call("/methods.ts/any", { method: "PUT" })).headers.allow).toBe("GET, HEAD, POST");
    expect((await call("/methods.ts/post_only")).headers.allow).toBe("POST");
    expect((await call("/methods.ts/resource/item", { method: "PUT" })).headers.allow).toBe("GET, DELETE, HEAD");
  });

  it("a malformed __methods__ is a logged 500", async () => {
    expect((await call("/auth/forms.ts/bad_methods")).status).toBe(500);
    expect(site.log.some((l) => l.includes("__methods__ must be a list"))).toBe(true);
  });
});

describe("auth hooks", () => {
  it("module-level map, with the module's realm", async () => {
    const none = await call("/auth/secured.ts/hello");
    expect(none.status).toBe(401);
    expect(none.headers["www-authenticate"]).toBe('Basic realm="Secured area"');
    const ok = await call("/auth/secured.ts/hello", { headers: basic("spam", "eggs") });
    expect(ok.body).toBe("hello spam");
    expect((await call("/auth/secured.ts/hello", { headers: basic("spam", "egg") })).status).toBe(401);
    expect((await call("/auth/secured.ts/hello", { headers: basic("nobody", "eggs") })).status).toBe(401);
  });

  it("module hooks hold before an object's own: both checked", async () => {
    expect((await call("/auth/secured.ts/admin/panel", { headers: basic("spam", "eggs") })).status).toBe(403);
    expect((await call("/auth/secured.ts/staff/panel", { headers: basic("spam", "eggs") })).body).toBe("staff panel");
  });

  it("an inner realm names the challenge", async () => {
    // The module's __auth__ fails first, in the module's realm; the object's realm applies below it.
    expect((await call("/auth/secured.ts/staff/panel")).headers["www-authenticate"]).toBe('Basic realm="Secured area"');
    expect((await call("/auth/forms.ts/vault/open")).headers["www-authenticate"]).toBe('Basic realm="Vault"');
  });

  it.each([
    ["/auth/forms.ts/by_map", basic("alice", "wonder"), 200],
    ["/auth/forms.ts/by_map", basic("alice", "wonderland"), 401],
    ["/auth/forms.ts/by_constant_false", basic("alice", "wonder"), 401],
    ["/auth/forms.ts/by_constant_true", basic("x", "y"), 200],
    ["/auth/forms.ts/by_constant_true", {}, 401],
    ["/auth/forms.ts/access_list", basic("alice", "any"), 200],
    ["/auth/forms.ts/access_list", basic("eve", "any"), 403],
    ["/auth/forms.ts/access_list", {}, 403],
    ["/auth/forms.ts/access_anonymous", {}, 200],
    ["/auth/forms.ts/async_hook", basic("bob", "pw"), 200],
    ["/auth/forms.ts/async_hook", basic("bob", "no"), 401],
    ["/auth/forms.ts/vault/open", basic("bob", "pw"), 200],
    ["/auth/forms.ts/vault/open", basic("bob", "px"), 401],
  ])("%s → %i", async (p, headers, status) => {
    expect((await call(p, { headers })).status).toBe(status);
  });

  it("a passed __auth__ sets req.user", async () => {
    expect((await call("/auth/forms.ts/async_hook", { headers: basic("bob", "pw") })).body).toBe("async bob");
  });
});
