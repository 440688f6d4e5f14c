import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { request, startSite, waitFor, type TestSite } from "../helpers/site";

const HTDOCS = path.resolve(__dirname, "../fixtures/htdocs");

const files = {
  "app/forms.ts": `import { OK, redirect, type Request } from "tsmod";
export async function echo(req: Request) {
  const form = await req.form();
  const out: unknown[] = [];
  for (const f of form) out.push("filename" in f ? [f.name, f.filename, f.size, f.type] : [f.name, f.value]);
  await req.write(JSON.stringify(out));
  return OK;
}
export async function readThenForm(req: Request) {
  await req.read(1);
  await req.form();
  return OK;
}
export async function signed(req: Request) {
  if (req.args === "set") { req.setSignedCookie("who", "alice", { httpOnly: true, path: "/" }); await req.write("set"); return OK; }
  await req.write(String(req.getSignedCookie("who")));
  return OK;
}
export async function sealed(req: Request) {
  if (req.args === "set") { await req.setSealedCookie("box", { n: 42, when: new Date(0), list: [1, "two"] }); await req.write("set"); return OK; }
  const box = await req.getSealedCookie<{ n: number; when: Date; list: unknown[] }>("box");
  await req.write(box ? JSON.stringify({ n: box.n, when: Object.prototype.toString.call(box.when) === "[object Date]" ? box.when.toISOString() : "not a date", list: box.list }) : "none");
  return OK;
}
export async function later(req: Request) {
  await req.write("this output is replaced");
  await redirect(req, "/elsewhere", true);
  return OK;
}
`,
};

const config = `ServerName forms.test
DocumentRoot ${HTDOCS}
<VirtualHost *>
  ServerName test_util_fieldstorage
  DocumentRoot ${HTDOCS}
  <Directory ${HTDOCS}>
    SetHandler tsmod
    TsHandler tests::util_fieldstorage
  </Directory>
</VirtualHost>
<VirtualHost *>
  ServerName test_fileupload
  DocumentRoot ${HTDOCS}
  <Directory ${HTDOCS}>
    SetHandler tsmod
    TsHandler tests::fileupload
  </Directory>
</VirtualHost>
<VirtualHost *>
  ServerName test_Cookie_Cookie
  DocumentRoot ${HTDOCS}
  <Directory ${HTDOCS}>
    SetHandler tsmod
    TsHandler tests::Cookie_Cookie
  </Directory>
</VirtualHost>
<VirtualHost *>
  ServerName app
  DocumentRoot ${HTDOCS}
  TsOption tsmod.form.tmp_dir @DIR@/uploads
  TsOption tsmod.secret 0123456789abcdef0123456789abcdef-test
  <Location /echo>
    SetHandler tsmod
    TsHandler app/forms::echo
    TsOption tsmod.form.max_fields 5
    TsOption tsmod.form.max_file_size 1000
  </Location>
  <Location /readThenForm>
    SetHandler tsmod
    TsHandler app/forms::readThenForm
  </Location>
  <Location /signed>
    SetHandler tsmod
    TsHandler app/forms::signed
  </Location>
  <Location /sealed>
    SetHandler tsmod
    TsHandler app/forms::sealed
  </Location>
  <Location /nosecret>
    SetHandler tsmod
    TsHandler app/forms::signed
    TsOption tsmod.secret ""
  </Location>
  <Location /later>
    SetHandler tsmod
    TsHandler app/forms::later
  </Location>
</VirtualHost>`;

function multipart(boundary: string, parts: Array<{ headers: string; body: Buffer | string }>): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) chunks.push(Buffer.from(`--${boundary}\r\n${p.headers}\r\n\r\n`), Buffer.from(p.body), Buffer.from("\r\n"));
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

describe("forms and cookies through the server", () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await startSite(config, files);
  });
  afterAll(() => site.close());

  test("F1 urlencoded POST keeps order and duplicates (Host without a port)", async () => {
    const r = await request(site, "/tests.ts", {
      headers: { host: "test_util_fieldstorage", "content-type": "application/x-www-form-urlencoded" },
      body: "spam=1&spam=2&eggs=3&bacon=4",
    });
    expect(r.body).toBe('[["spam","1"],["spam","2"],["eggs","3"],["bacon","4"]]');
  });

  test.each([
    ["F2 1 MiB of random bytes", crypto.randomBytes(1024 * 1024)],
    ["F3 a CR at a read-block edge", Buffer.from("a".repeat(100) + "\r\n" + "b".repeat(65367) + "\r" + "ccc" + "d".repeat(100) + "\r\n")],
    ["F4 a CRLF split before the closing delimiter", Buffer.from("a".repeat(100) + "\r\n" + "b".repeat(65367))],
    ["F4 ... with a trailing CR", Buffer.from("a".repeat(100) + "\r\n" + "b".repeat(65367) + "\r")],
  ])("%s: uploaded byte-exact (md5)", async (_name, data) => {
    const boundary = `=============${Math.floor(Math.random() * 1e10)}==`;
    const body = multipart(boundary, [
      { headers: 'Content-Type: text/plain\r\nContent-Disposition: form-data;\r\n name="test"', body: "abcd" },
      { headers: 'Content-Type: application/octet-stream\r\nContent-Disposition: form-data; name="testfile"; filename="test.txt"', body: data },
    ]);
    const r = await request(site, "/tests.ts", { host: "test_fileupload", headers: { "content-type": `multipart/form-data; boundary="${boundary}"` }, body });
    expect(r.body).toBe(crypto.createHash("md5").update(data).digest("hex"));
  });

  test("query string fields come first, then the body's; uploads are FileFields", async () => {
    const body = multipart("XyZ", [
      { headers: 'Content-Disposition: form-data; name="a"', body: "body-a" },
      { headers: 'Content-Disposition: form-data; name="f"; filename="x.bin"\r\nContent-Type: application/octet-stream', body: "12345" },
    ]);
    const r = await request(site, "/echo?q=1&a=query-a", { host: "app", headers: { "content-type": "multipart/form-data; boundary=XyZ" }, body });
    expect(JSON.parse(r.body)).toEqual([["q", "1"], ["a", "query-a"], ["a", "body-a"], ["f", "x.bin", 5, "application/octet-stream"]]);
  });

  test("limits answer 413 naming the limit, and leave no temporary file", async () => {
    const fields = await request(site, "/echo", { host: "app", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "a=1&b=2&c=3&d=4&e=5&f=6" });
    expect(fields.status).toBe(413);
    expect(fields.body).toContain("maxFields");
    const body = multipart("B", [{ headers: 'Content-Disposition: form-data; name="f"; filename="big"', body: Buffer.alloc(5000, 1) }]);
    const file = await request(site, "/echo", { host: "app", headers: { "content-type": "multipart/form-data; boundary=B" }, body });
    expect(file.status).toBe(413);
    expect(file.body).toContain("maxFileSize");
    expect(fs.readdirSync(path.join(site.dir, "uploads"))).toEqual([]);
  });

  test("upload temporary files are removed when the request ends", async () => {
    const body = multipart("B", [{ headers: 'Content-Disposition: form-data; name="f"; filename="small"', body: "tiny" }]);
    const r = await request(site, "/echo", { host: "app", headers: { "content-type": "multipart/form-data; boundary=B" }, body });
    expect(r.status).toBe(200);
    // They go once the request has ended, which is just after the client has its answer.
    await waitFor(() => fs.readdirSync(path.join(site.dir, "uploads")).length === 0);
  });

  test("malformed bodies: 400 / 415 with a reason", async () => {
    const noBoundary = await request(site, "/echo", { host: "app", headers: { "content-type": "multipart/form-data" }, body: "x" });
    expect(noBoundary.status).toBe(400);
    const weird = await request(site, "/echo", { host: "app", headers: { "content-type": "application/x-unknown" }, body: "x" });
    expect(weird.status).toBe(415);
  });

  test("form() after read() is a clear error", async () => {
    const r = await request(site, "/readThenForm", { host: "app", body: "a=1" });
    expect(r.status).toBe(500);
    expect(site.log.join("\n")).toContain("call req.form() before reading the body yourself");
  });

  test("G1 lenient cookie parsing over several headers; one Set-Cookie per cookie", async () => {
    const r = await request(site, "/testz.ts", { host: "test_Cookie_Cookie", headers: { cookie: ["spam=foo; path=blah;;eggs=bar;", "bar=foo"] } });
    expect(r.body).toBe("test ok");
    const set = r.headers["set-cookie"] ?? [];
    expect(set).toEqual(expect.arrayContaining(["spam=foo", "path=blah", "eggs=bar", "bar=foo"]));
    expect(set).toHaveLength(4);
  });

  test.each([
    "eggs=d049b2b61adb6a1d895646719a3dc30bcwQAAABzcGFt",
    "test=859690207856ec75fc641a7566894e40c1QAAAB0aGlzIGlzIGEgdmVyeSBsb25nIHZhbHVlLCBsb25nIGxvbmcgbG9uZyBsb25nIGxvbmcgc28gbG9uZyBidXQgd2UnbGwgZmluaXNoIGl0IHNvb24=",
  ])("G2 an opaque value round-trips exactly: %s", async (cookie) => {
    const r = await request(site, "/testz.ts", { host: "test_Cookie_Cookie", headers: { cookie } });
    expect(r.headers["set-cookie"]).toEqual([cookie]);
  });

  test("signed cookies: round trip, tampering reads as absent", async () => {
    const set = await request(site, "/signed?set", { host: "app" });
    const cookie = set.headers["set-cookie"]![0].split(";")[0];
    expect(set.headers["set-cookie"]![0]).toContain("HttpOnly");
    expect((await request(site, "/signed", { host: "app", headers: { cookie } })).body).toBe("alice");
    const tampered = cookie.replace("alice", "mallory");
    expect((await request(site, "/signed", { host: "app", headers: { cookie: tampered } })).body).toBe("undefined");
  });

  test("sealed cookies: numbers, dates and arrays round-trip; a forged one reads as absent", async () => {
    const set = await request(site, "/sealed?set", { host: "app" });
    const cookie = set.headers["set-cookie"]![0].split(";")[0];
    expect(JSON.parse((await request(site, "/sealed", { host: "app", headers: { cookie } })).body)).toEqual({ n: 42, when: "1970-01-01T00:00:00.000Z", list: [1, "two"] });
    expect((await request(site, "/sealed", { host: "app", headers: { cookie: cookie.slice(0, -3) + "abc" } })).body).toBe("none");
  });

  test("using signed cookies without tsmod.secret is a clear error, not a default key", async () => {
    const r = await request(site, "/nosecret?set", { host: "app" });
    expect(r.status).toBe(500);
    expect(site.log.join("\n")).toContain("signed and sealed cookies need a key: set TsOption tsmod.secret");
  });

  test("redirect() after output replaces the unsent output", async () => {
    const r = await request(site, "/later", { host: "app" });
    expect(r.status).toBe(301);
    expect(r.headers.location).toBe("/elsewhere");
    expect(r.body).not.toContain("replaced");
  });
});

afterAll(() => {
  fs.rmSync(path.join(os.tmpdir(), "tsmod-uploads"), { recursive: true, force: true });
});
