import { request, startSite, type TestSite } from "../helpers/site";

/**
 * Rules taken from Apache's own documentation (rewrite/remapping, rewrite/flags, mod_rewrite),
 * each with the request that exercises it and the answer Apache documents for it.
 */
const CONF = `DocumentRoot @DIR@/htdocs
RewriteEngine On
# remapping.html: canonical hostnames
RewriteCond %{HTTP_HOST} !^www\\.example\\.com [NC]
RewriteCond %{HTTP_HOST} !^127\\.0\\.0\\.1
RewriteCond %{HTTP_HOST} !^$
RewriteRule ^/?(.*) http://www.example.com/$1 [L,R,NE]
# remapping.html: moved DocumentRoot
RewriteRule ^/$ /about/ [R]
# remapping.html: from old to new (internal) and (external)
RewriteRule ^/foo\\.html$ /bar.html [PT]
RewriteRule ^/old\\.html$ /bar.html [R,NC]
# flags.html: F, G
RewriteRule \\.exe - [F]
RewriteRule oldproduct - [G,NC]
# flags.html: QSA and QSD
RewriteRule ^/pages/(.+) /page/show.ts?page=$1 [QSA,PT]
RewriteRule ^/plain/(.+) /page/show.ts?page=$1 [PT]
RewriteRule ^/dropq$ /page/show.ts [QSD,PT]
# flags.html: E
RewriteRule \\.(png|gif|jpg)$ - [E=image:1]
Header set X-Image "%{image}e" env=image
# flags.html: NE
RewriteRule ^/anchor/(.+) /bigpage.html#$1 [NE,R]
RewriteRule ^/escaped/(.+) /bigpage.html#$1 [R]
# flags.html: R=301
RewriteRule ^/moved/(.*) /new/$1 [R=301,L]
# mod_rewrite.html: %N backreferences from the last matched condition; HTTP:header; [OR]
RewriteCond %{HTTP:X-User} ^(\\w+)$
RewriteRule ^/me$ /users/%1.html [PT]
RewriteCond %{HTTP:X-A} =1 [OR]
RewriteCond %{HTTP:X-B} =1
RewriteRule ^/either$ /bar.html [PT]
RewriteCond %{QUERY_STRING} ^lang=(..)$
RewriteRule ^/hello$ /hello.%1.html? [PT]
# [S=1]: skip the next rule; [C]: a chain is skipped whole when one link fails
RewriteRule ^/skip$ /bar.html [S=1,PT]
RewriteRule ^/bar\\.html$ /users/ann.html [PT]
RewriteRule ^/linked$ - [C]
RewriteRule ^/(un)?linked$ /bar.html [PT]
# remapping.html: fallback resource, per directory (REQUEST_FILENAME is the file there)
<Directory @DIR@/htdocs/app>
  RewriteEngine On
  RewriteBase /app/
  RewriteRule ^old/(.*)$ new/$1 [L]
  RewriteCond %{REQUEST_FILENAME} !-f
  RewriteCond %{REQUEST_FILENAME} !-d
  RewriteRule ^ index.html [L]
</Directory>
<Directory @DIR@/htdocs/page>
  SetHandler tsmod
  TsHandler show
</Directory>
`;

const FILES = {
  "htdocs/bar.html": "bar",
  "htdocs/a.png": "png",
  "htdocs/users/ann.html": "ann",
  "htdocs/hello.fr.html": "bonjour",
  "htdocs/app/index.html": "app index",
  "htdocs/app/real.html": "real",
  "htdocs/app/new/x.html": "new x",
  "htdocs/page/show.ts": "export function handler(req: any) { req.write('uri=' + req.uri + ' args=' + (req.args ?? '')); return 0; }\n",
};

type Expect = { status: number; body?: string; location?: string; header?: [string, string] };

const CASES: Array<[string, string, Record<string, string>, Expect]> = [
  ["canonical hostname", "/a/b", { host: "other.example" }, { status: 302, location: "http://www.example.com/a/b" }],
  ["moved DocumentRoot", "/", {}, { status: 302, location: "/about/" }],
  ["old to new, internal [PT]", "/foo.html", {}, { status: 200, body: "bar" }],
  ["old to new, external [R,NC]", "/OLD.html", {}, { status: 302, location: "/bar.html" }],
  ["[F]", "/run.exe", {}, { status: 403 }],
  ["[G,NC]", "/OldProduct/1", {}, { status: 410 }],
  ["[QSA] keeps the original query after the new one", "/pages/123?one=two", {}, { status: 200, body: "uri=/page/show.ts args=page=123&one=two" }],
  ["without QSA the new query replaces it", "/plain/123?one=two", {}, { status: 200, body: "uri=/page/show.ts args=page=123" }],
  ["[QSD] drops it", "/dropq?x=1", {}, { status: 200, body: "uri=/page/show.ts args=" }],
  ["a trailing ? drops it too", "/hello?lang=fr", {}, { status: 200, body: "bonjour" }],
  ["[E=image:1] with '-' (no substitution)", "/a.png", {}, { status: 200, body: "png", header: ["x-image", "1"] }],
  ["[NE] keeps #", "/anchor/one", {}, { status: 302, location: "/bigpage.html#one" }],
  ["without NE, # is escaped", "/escaped/one", {}, { status: 302, location: "/bigpage.html%23one" }],
  ["[R=301]", "/moved/x?y=1", {}, { status: 301, location: "/new/x?y=1" }],
  ["%1 from the condition, %{HTTP:header}", "/me", { "x-user": "ann" }, { status: 200, body: "ann" }],
  ["[OR]", "/either", { "x-b": "1" }, { status: 200, body: "bar" }],
  ["[OR], neither holds", "/either", {}, { status: 404 }],
  ["[S=1] skips the next rule", "/skip", {}, { status: 200, body: "bar" }],
  ["a chain whose links all match", "/linked", {}, { status: 200, body: "bar" }],
  ["a failed link skips the rest of the chain", "/unlinked", {}, { status: 404 }],
  ["[PT] implies [L]", "/foo.html", {}, { status: 200, body: "bar" }],
  ["per directory: RewriteBase and the path below the folder", "/app/old/x.html", {}, { status: 200, body: "new x" }],
  ["per directory: an existing file is left alone", "/app/real.html", {}, { status: 200, body: "real" }],
  ["per directory: fallback resource for a missing file", "/app/missing/page", {}, { status: 200, body: "app index" }],
];

describe("mod_rewrite: rules from Apache's documentation", () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await startSite(CONF, FILES);
  });
  afterAll(() => site.close());

  test.each(CASES)("%s: %s", async (_name, path, headers, want) => {
    const r = await request(site, path, { headers: { host: "127.0.0.1", ...headers } });
    expect(r.status).toBe(want.status);
    if (want.body !== undefined) expect(r.body).toBe(want.body);
    if (want.location !== undefined) expect(r.headers.location).toBe(want.location.startsWith("/") ? `http://127.0.0.1:${site.port}${want.location}` : want.location);
    if (want.header) expect(r.headers[want.header[0]]).toBe(want.header[1]);
  });
});
