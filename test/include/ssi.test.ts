/*
 * Server-side includes (mod_include's INCLUDES filter, mod_python's test group L4 for
 * `<!--#python -->` as `<!--#ts -->`): elements, conditions, includes by sub-request (which go
 * through access control), code, and streaming.
 */
import * as http from "node:http";
import { request, startSite, type TestSite } from "../helpers/site";

const PAGE = `<h1><!--#echo var="DOCUMENT_URI" --></h1>
<!--#set var="name" value="world" -->Hello <!--#echo var="name" -->!
[<!--#include virtual="/parts/header.html" -->]
[<!--#include file="parts/footer.txt" -->]
<!--#if expr="$name = world" -->yes<!--#elif expr="-n $name" -->elif<!--#else -->no<!--#endif -->
<!--#if expr="$name != world" -->no<!--#elif expr="-z \${nothing}" -->elif<!--#else -->no<!--#endif -->
<!--#if expr="$QUERY_STRING = /debug/" -->DEBUG<!--#else -->quiet<!--#endif -->
<!--#if expr="($name = nobody || $name = world) && ! -z $name" -->logic<!--#endif -->
q=<!--#echo var="QUERY_STRING" -->
<!--#config timefmt="%Y" -->year=<!--#echo var="DATE_LOCAL" -->
lastmod=<!--#flastmod file="parts/footer.txt" -->
size=<!--#config sizefmt="bytes" --><!--#fsize file="parts/footer.txt" --> <!--#fsize virtual="/parts/header.html" -->
<!--#set var="tag" value="<b>" -->entity=<!--#echo var="tag" --> none=<!--#echo encoding="none" var="tag" --> url=<!--#echo encoding="url" var="tag" -->
unset=<!--#echo var="unset_var" -->
env=<!--#echo var="FROM_HANDLER" --> method=<!--#echo var="REQUEST_METHOD" -->
dyn=[<!--#include virtual="/app/dynamic?x=1" -->]
nested=[<!--#include virtual="nested.shtml" -->]
denied=<!--#include virtual="/secret/x.html" -->
<!--#config errmsg="[oops]" -->missing=<!--#include virtual="/no/such.html" -->
bad=<!--#bogus -->
`;

const TS_PAGE = `<!--#ts code="await filter.write('from ts ' + req.method); ssi.n = 41;" -->
<!--#ts eval="ssi.n + 1" -->
<!--#ts code="const xs: number[] = [1, 2, 3]; for (const x of xs) await filter.write(String(x * 2));" -->
<!--#ts code="throw new Error('ts failed')" -->after
`;

const APP = `import { OK, type Request } from "tsmod";
let release: () => void = () => undefined;
const released = new Promise<void>((r) => (release = r));

export function fixup(req: Request) {
  req.subprocessEnv.set("FROM_HANDLER", "set-by-fixup");
  return OK;
}

export async function handler(req: Request) {
  if (req.uri === "/app/dynamic") {
    req.contentType = "text/plain";
    await req.write("dynamic " + req.args + " main=" + (req.mainRequest ? req.mainRequest.uri : "none"));
    return OK;
  }
  if (req.uri === "/app/release") {
    release();
    await req.write("released");
    return OK;
  }
  // /app/stream: the first part must reach the client before the handler goes on.
  req.contentType = "text/html";
  await req.write("<p>first <!--#echo var=\\"DOCUMENT_URI\\" --></p><!--#ec");
  await req.flush();
  await released;
  await req.write("ho var=\\"DOCUMENT_URI\\" --> last");
  return OK;
}
`;

let site: TestSite;

beforeAll(async () => {
  site = await startSite(
    `DocumentRoot @DIR@/htdocs
<Directory @DIR@/htdocs>
  Options Includes
  AddOutputFilter INCLUDES .shtml
  TsFixupHandler @DIR@/app::fixup
</Directory>
<Directory @DIR@/htdocs/noexec>
  Options IncludesNOEXEC
</Directory>
<Directory @DIR@/htdocs/off>
  Options None
</Directory>
<Location /secret>
  Require all denied
</Location>
<Location /app>
  SetHandler tsmod
  TsHandler @DIR@/app
  Options Includes
  SetOutputFilter INCLUDES
</Location>
`,
    {
      "app.ts": APP,
      "htdocs/page.shtml": PAGE,
      "htdocs/ts.shtml": TS_PAGE,
      "htdocs/noexec/ts.shtml": TS_PAGE + '<!--#echo var="DOCUMENT_NAME" -->',
      "htdocs/off/page.shtml": '<!--#echo var="DOCUMENT_URI" -->',
      "htdocs/nested.shtml": 'inner <!--#echo var="DOCUMENT_URI" --> <!--#include virtual="/parts/header.html" -->',
      "htdocs/loop.shtml": 'x<!--#include virtual="/loop.shtml" -->',
      "htdocs/parts/header.html": "HEADER",
      "htdocs/parts/footer.txt": "FOOTER",
      "htdocs/secret/x.html": "SECRET",
    },
  );
});
afterAll(() => site.close());

test("elements, variables, conditions and includes", async () => {
  const r = await request(site, "/page.shtml?debug=1");
  expect(r.status).toBe(200);
  expect(r.headers["content-type"]).toMatch(/^text\/html/);
  expect(r.headers.etag).toBeUndefined();
  const lines = r.body.split("\n");
  expect(lines[0]).toBe("<h1>/page.shtml</h1>");
  expect(lines[1]).toBe("Hello world!");
  expect(lines[2]).toBe("[HEADER]");
  expect(lines[3]).toBe("[FOOTER]");
  expect(lines[4]).toBe("yes");
  expect(lines[5]).toBe("elif");
  expect(lines[6]).toBe("DEBUG");
  expect(lines[7]).toBe("logic");
  expect(lines[8]).toBe("q=debug=1");
  expect(lines[9]).toBe(`year=${new Date().getFullYear()}`);
  expect(lines[10]).toBe(`lastmod=${new Date().getFullYear()}`);
  expect(lines[11]).toBe("size=6 6");
  expect(lines[12]).toBe("entity=&lt;b&gt; none=<b> url=%3Cb%3E");
  expect(lines[13]).toBe("unset=(none)");
  expect(lines[14]).toBe("env=set-by-fixup method=GET");
  expect(lines[15]).toBe("dyn=[dynamic x=1 main=/page.shtml]");
  expect(lines[16]).toBe("nested=[inner /nested.shtml HEADER]");
  expect(lines[17]).toBe("denied=[an error occurred while processing this directive]");
  expect(lines[18]).toBe("missing=[oops]");
  expect(lines[19]).toBe("bad=[oops]");
  const log = site.log.join("\n");
  expect(log).toMatch(/including \/secret\/x\.html answered 403/);
  expect(log).toMatch(/unknown element 'bogus'/);
});

test("a condition without a match shows the else branch", async () => {
  const r = await request(site, "/page.shtml");
  expect(r.body.split("\n")[6]).toBe("quiet");
});

test("<!--#ts --> runs TypeScript with req, filter and the page's ssi object", async () => {
  const r = await request(site, "/ts.shtml");
  expect(r.body).toBe("from ts GET\n42\n246\n[an error occurred while processing this directive]after\n");
  expect(site.log.join("\n")).toMatch(/ts failed/);
});

test("IncludesNOEXEC refuses code but processes the other elements", async () => {
  const r = await request(site, "/noexec/ts.shtml");
  expect(r.body).toMatch(/^\[an error occurred while processing this directive\]\n/);
  expect(r.body).toMatch(/ts\.shtml$/);
  expect(r.body).not.toMatch(/from ts/);
});

test("without Options Includes the page passes unchanged", async () => {
  const r = await request(site, "/off/page.shtml");
  expect(r.body).toBe('<!--#echo var="DOCUMENT_URI" -->');
});

test("an include loop is cut off", async () => {
  const r = await request(site, "/loop.shtml");
  expect(r.status).toBe(200);
  expect(r.body).toMatch(/^(x)+\[an error occurred while processing this directive\]/);
  expect(site.log.join("\n")).toMatch(/nested more than 10 deep/);
});

test("streaming: text before an element goes out before the handler finishes; a split element is joined", async () => {
  // Resolves with what arrived once the first part is complete, while the handler still waits.
  const first = await new Promise<{ chunk: string; rest: Promise<string> }>((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port: site.port, path: "/app/stream", agent: false }, (res) => {
        res.setEncoding("utf8");
        let body = "";
        const rest = new Promise<string>((done) => res.on("end", () => done(body)));
        res.on("data", (d: string) => {
          body += d;
          if (body.includes("</p>")) resolve({ chunk: body, rest });
        });
      })
      .on("error", reject);
  });
  expect(first.chunk).toBe("<p>first /app/stream</p>");
  await request(site, "/app/release");
  expect(await first.rest).toBe("<p>first /app/stream</p>/app/stream last");
});
