import { escapeHtml } from "../html";

/** What `tsmod init` writes, for a site named `name` using tsmod-server `version`. */
export interface InitFacts {
  readonly name: string;
  readonly version: string;
  /** Where the types of "tsmod" are, relative to the site folder, in the order tsc tries them. */
  readonly typesPaths: readonly string[];
}

/** The files of a new site (relative path → content): each one short, commented, working. */
export function initFiles(facts: InitFacts): Record<string, string> {
  return {
    "tsmod.conf": `# The site's address; everything else is in site.conf, which tests include with a
# free port of their own (see test/site.test.mjs).
Listen 127.0.0.1:8080
Include site.conf
`,
    "site.conf": `# Relative paths resolve against ServerRoot: by default the folder of tsmod.conf.
ServerName localhost
DocumentRoot htdocs
ErrorLog stderr
CustomLog stdout combined

# Static files, and PSP pages (HTML with <% code %> and escaped <%= expressions %>).
<Directory htdocs>
  DirectoryIndex index.html
  AddHandler tsmod .psp
  TsHandler tsmod/psp
</Directory>

# A TypeScript content handler: the function \`handler\` of app/hello.ts.
<Location /hello>
  SetHandler tsmod
  TsHandler app/hello
</Location>

# The publisher: /api/greet?name=you calls the exported function greet of api/index.ts.
Alias /api api
<Directory api>
  SetHandler tsmod
  TsHandler tsmod/publisher
</Directory>
`,
    "app/hello.ts": `import { OK, escapeHtml, type Request } from "tsmod";
// A relative import may name the .ts file, the .js file TypeScript would write, or neither.
import { greeting } from "./greeting";

/** GET /hello?name=you */
export async function handler(req: Request): Promise<number> {
  const name = new URLSearchParams(req.args ?? "").get("name") ?? "world";
  req.contentType = "text/html; charset=utf-8";
  await req.write(\`<!doctype html><title>Hello</title><h1>\${escapeHtml(greeting(name))}</h1>\\n\`);
  return OK;
}
`,
    "app/greeting.ts": `/** Plain TypeScript, shared by the handler and the publisher module. */
export function greeting(name: string): string {
  return \`Hello, \${name}!\`;
}
`,
    "api/index.ts": `import type { Request } from "tsmod";
import { greeting } from "../app/greeting";

// Each exported function is a URL: its parameters are filled from the form by name.

/** GET /api/greet?name=you */
export function greet(name = "world"): string {
  return greeting(name);
}

/** GET /api/whoami: a parameter named req gets the request. */
export function whoami(req: Request): { method: string; uri: string } {
  return { method: req.method, uri: req.uri };
}
`,
    "htdocs/index.html": `<!doctype html>
<meta charset="utf-8">
<title>${escapeHtml(facts.name)}</title>
<h1>${escapeHtml(facts.name)}</h1>
<ul>
  <li><a href="/hello?name=you">/hello</a>: a TypeScript handler (app/hello.ts)</li>
  <li><a href="/api/greet?name=you">/api/greet</a>: a publisher function (api/index.ts)</li>
  <li><a href="/page.psp?item=one&amp;item=two">/page.psp</a>: a PSP page (htdocs/page.psp)</li>
</ul>
`,
    "htdocs/page.psp": `<!doctype html>
<%-- Code in PSP pages is JavaScript; typed logic belongs in a module under app/. --%>
<% const items = form.getlist("item"); %>
<title>PSP</title>
<h1>PSP page</h1>
<p><%= items.length %> item(s), escaped on the way out:</p>
<ul>
<% for (const item of items) { %>  <li><%= item %></li>
<% } %></ul>
`,
    "test/site.test.mjs": `// @ts-check
// The site's own test: \`npm test\`. It starts this site on a free port (site.conf, without
// tsmod.conf's Listen) and requests it over real HTTP. See tsmod's docs/testing.md.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { startTestSite } from "tsmod-server/testing";

/** @type {import("tsmod-server/testing").TestSite} */
let site;
before(async () => {
  site = await startTestSite("Include site.conf", { root: fileURLToPath(new URL("..", import.meta.url)) });
});
after(() => site.close());

test("the handler greets by name", async () => {
  const reply = await site.request("/hello?name=tests");
  assert.equal(reply.status, 200);
  assert.match(reply.body, /Hello, tests!/);
});

test("the publisher answers /api/greet", async () => {
  const reply = await site.request("/api/greet?name=api");
  assert.equal(reply.body, "Hello, api!");
});

test("the PSP page escapes what it is sent", async () => {
  const reply = await site.request("/page.psp?item=%3Cb%3E");
  assert.match(reply.body, /<li>&lt;b&gt;<\\/li>/);
});
`,
    "package.json": JSON.stringify(
      {
        name: packageName(facts.name),
        private: true,
        scripts: { start: "tsmod serve -f tsmod.conf", test: "node --test test/site.test.mjs", typecheck: "tsc --noEmit" },
        dependencies: { "tsmod-server": `^${facts.version}` },
      },
      null,
      2,
    ) + "\n",
    "tsconfig.json": JSON.stringify(
      {
        // For editors and \`tsc --noEmit\`: tsmod compiles the handlers itself when it runs them.
        compilerOptions: {
          target: "ES2022",
          lib: ["ES2022"],
          module: "preserve",
          moduleResolution: "bundler",
          allowImportingTsExtensions: true,
          noEmit: true,
          strict: true,
          allowJs: true,
          checkJs: true,
          // "tsmod" is answered by the server at run time; here it is the package's types.
          paths: { tsmod: facts.typesPaths },
        },
        include: ["app", "api", "test"],
      },
      null,
      2,
    ) + "\n",
  };
}

/** An npm package name from a folder name: lower case, no characters npm refuses. */
function packageName(folder: string): string {
  const name = folder.toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[._-]+/, "");
  return name || "site";
}
