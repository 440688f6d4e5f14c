import { request, startSite, type TestSite } from "../helpers/site";

const files = {
  "htdocs/hello.psp": `<%@ include file="header.psp" %>
<p>Hello <%= req.args ?? "nobody" %> via <%= req.method %></p>
<%-- a comment --%>
<% for (let i = 0; i < 3; i++) { %><%= i %><% } %>
`,
  "htdocs/header.psp": `<h1>Title \\ \` \${x}</h1>`,
  "htdocs/broken.psp": `line one
<% const x = 1; %>
<% throw new Error("page failed") %>
`,
  "htdocs/escape.psp": `<%= req.args ? decodeURIComponent(req.args) : "" %>|<%~ "<b>raw</b>" %>`,
};

const config = (debug: string) => `ServerName psp.test
DocumentRoot @DIR@/htdocs
<Directory @DIR@/htdocs>
  AddHandler tsmod .psp .psp_
  TsHandler tsmod/psp
  TsDebug ${debug}
</Directory>`;

describe("TsHandler tsmod/psp", () => {
  let site: TestSite;
  let debugSite: TestSite;
  beforeAll(async () => {
    site = await startSite(config("Off"), files);
    debugSite = await startSite(config("On"), files);
  });
  afterAll(async () => {
    await site.close();
    await debugSite.close();
  });

  test("renders a page with an include, code blocks and req in scope; text verbatim", async () => {
    const r = await request(site, "/hello.psp?world");
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(r.body).toBe("<h1>Title \\ ` ${x}</h1>\n<p>Hello world via GET</p>\n\n012\n");
  });

  test("<%= %> escapes, <%~ %> does not", async () => {
    const r = await request(site, "/escape.psp?%3Cscript%3Ealert(1)%3C%2Fscript%3E");
    expect(r.body).toBe("&lt;script&gt;alert(1)&lt;/script&gt;|<b>raw</b>");
  });

  test("a failing page is a plain 500 without TsDebug, and the log names file and line", async () => {
    const r = await request(site, "/broken.psp");
    expect(r.status).toBe(500);
    expect(r.body).not.toContain("page failed");
    expect(site.log.join("\n")).toMatch(/broken\.psp:3/);
  });

  test("with TsDebug the page shows the error with file, line and source", async () => {
    const r = await request(debugSite, "/broken.psp");
    expect(r.status).toBe(500);
    expect(r.body).toMatch(/broken\.psp:3/);
    expect(r.body).toContain("page failed");
  });

  test(".psp_ shows the source only with TsDebug", async () => {
    expect((await request(site, "/hello.psp_")).status).toBe(404);
    const r = await request(debugSite, "/hello.psp_");
    expect(r.status).toBe(200);
    expect(r.body).toContain("&lt;%@ include");
  });

  test("page sources are never served as static files", async () => {
    const conf = `ServerName psp.static\nDocumentRoot @DIR@/htdocs\n`;
    const plain = await startSite(conf, files);
    try {
      expect((await request(plain, "/hello.psp")).status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});

describe("PSP pages with form and session", () => {
  let site: TestSite;
  const pages = {
    "htdocs/visit.psp": `<% const n = (session.get("visits") ?? 0) + 1; session.set("visits", n); %>Hello <%= form.getfirst("name", "stranger") %>, visit <%= n %>.`,
    "htdocs/plain.psp": `no form, no session`,
  };
  beforeAll(async () => {
    site = await startSite(
      `ServerName psp.forms
DocumentRoot @DIR@/htdocs
TsOption tsmod.session.database_directory @DIR@/sessions
<Directory @DIR@/htdocs>
  AddHandler tsmod .psp
  TsHandler tsmod/psp
</Directory>`,
      pages,
    );
  });
  afterAll(() => site.close());

  test("form values are escaped; the session is saved after the page and found again", async () => {
    const first = await request(site, "/visit.psp?name=%3Cscript%3Ealert(1)%3C/script%3E");
    expect(first.body).toBe("Hello &lt;script&gt;alert(1)&lt;/script&gt;, visit 1.");
    const cookie = String(first.headers["set-cookie"]).split(";")[0];
    const second = await request(site, "/visit.psp", { headers: { cookie } });
    expect(second.body).toBe("Hello stranger, visit 2.");
  });

  test("a page that names neither form nor session creates no session", async () => {
    const r = await request(site, "/plain.psp");
    expect(r.body).toBe("no form, no session");
    expect(r.headers["set-cookie"]).toBeUndefined();
    expect(r.headers["content-length"]).toBe("19");
  });
});
