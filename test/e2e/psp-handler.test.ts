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
