/*
 * TsAutoReload end to end: a real server, real HTTP, files edited on disk while it runs.
 * Tests poll with a bound for the new code instead of sleeping a fixed time.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { request, startSite, type Reply, type TestSite } from "../helpers/site";

const handler = (text: string) => `
import { OK, type Request } from "tsmod";
export async function handler(req: Request) {
  req.contentType = "text/plain";
  await req.write(${JSON.stringify(text)});
  return OK;
}
`;

/** Requests `path` until `accept` holds (every 10 ms, at most `ms`); returns the last reply. */
async function until(site: TestSite, urlPath: string, accept: (r: Reply) => boolean, ms = 3000, host?: string): Promise<Reply> {
  const deadline = Date.now() + ms;
  for (;;) {
    const reply = await request(site, urlPath, { host });
    if (accept(reply) || Date.now() > deadline) return reply;
    await new Promise((r) => setTimeout(r, 10));
  }
}

const bodyIs = (text: string) => (r: Reply) => r.status === 200 && r.body === text;

function conf(extra = ""): string {
  return `ServerName 127.0.0.1
DocumentRoot @DIR@/htdocs
LogLevel info
<Directory @DIR@/htdocs>
  SetHandler tsmod
  TsHandler handler
  TsDebug On
  ${extra}
</Directory>
`;
}

let site: TestSite;
afterEach(async () => {
  await site?.close();
});

const at = (rel: string) => path.join(site.dir, "htdocs", rel);

test("an edited handler answers the next request with the new code, and the reload is logged", async () => {
  site = await startSite(conf(), { "htdocs/handler.ts": handler("one") });
  expect((await request(site, "/")).body).toBe("one");
  fs.writeFileSync(at("handler.ts"), handler("two"));
  expect((await until(site, "/", bodyIs("two"))).body).toBe("two");
  expect(site.log.some((l) => l.includes(`[tsmod:info]`) && l.includes(`reloaded module ${at("handler.ts")} (changed: ${at("handler.ts")})`))).toBe(true);
});

test("a module imported two levels deep reloads the handler that imports it", async () => {
  site = await startSite(conf(), {
    "htdocs/handler.ts": `import { OK, type Request } from "tsmod";
import { text } from "./lib/middle";
export async function handler(req: Request) { await req.write(text()); return OK; }`,
    "htdocs/lib/middle.ts": `import { word } from "./leaf"; export const text = () => "middle:" + word;`,
    "htdocs/lib/leaf.ts": `export const word = "old";`,
  });
  expect((await request(site, "/")).body).toBe("middle:old");
  fs.writeFileSync(at("lib/leaf.ts"), `export const word = "new";`);
  expect((await until(site, "/", bodyIs("middle:new"))).body).toBe("middle:new");
  expect(site.log.some((l) => l.includes(`reloaded module ${at("handler.ts")} (changed: ${at("lib/leaf.ts")})`))).toBe(true);
});

test("a rename-style save (temporary file renamed over the module) is picked up, repeatedly", async () => {
  site = await startSite(conf(), { "htdocs/handler.ts": handler("v0") });
  expect((await request(site, "/")).body).toBe("v0");
  for (const v of ["v1", "v2", "v3"]) {
    fs.writeFileSync(at(".handler.ts.swp"), handler(v));
    fs.renameSync(at(".handler.ts.swp"), at("handler.ts"));
    expect((await until(site, "/", bodyIs(v))).body).toBe(v);
  }
});

test("a deleted handler is an error until it is created again", async () => {
  site = await startSite(conf(), { "htdocs/handler.ts": handler("here") });
  expect((await request(site, "/")).body).toBe("here");
  fs.unlinkSync(at("handler.ts"));
  const gone = await until(site, "/", (r) => r.status === 500);
  expect(gone.body).toContain("handler module &#39;handler&#39; not found");
  fs.writeFileSync(at("handler.ts"), handler("back"));
  expect((await until(site, "/", bodyIs("back"))).body).toBe("back");
});

test("__reload__ receives the old module and carries state; the old one's __unload__ runs", async () => {
  const counter = (version: number) => `
import { OK, type Request } from "tsmod";
export const state = { hits: 0, unloaded: false };
let previousState: { unloaded: boolean } | null = null;
const timer = setInterval(() => undefined, 60_000);
export function __reload__(previous: { state: typeof state }) {
  state.hits = previous.state.hits;
  previousState = previous.state;
}
export function __unload__() {
  clearInterval(timer);
  state.unloaded = true;
}
export async function handler(req: Request) {
  state.hits++;
  await req.write("v${version} hits=" + state.hits + " previous-unloaded=" + (previousState ? previousState.unloaded : "none"));
  return OK;
}`;
  site = await startSite(conf(), { "htdocs/handler.ts": counter(1) });
  expect((await request(site, "/")).body).toBe("v1 hits=1 previous-unloaded=none");
  expect((await request(site, "/")).body).toBe("v1 hits=2 previous-unloaded=none");
  fs.writeFileSync(at("handler.ts"), counter(2));
  const reply = await until(site, "/", (r) => r.body.startsWith("v2"));
  expect(reply.body).toBe("v2 hits=3 previous-unloaded=true");
});

test("a syntax error answers 500 with the diagnostic (file:line) in the debug page; the fix serves at once", async () => {
  site = await startSite(conf(), { "htdocs/handler.ts": handler("good") });
  expect((await request(site, "/")).body).toBe("good");
  fs.writeFileSync(at("handler.ts"), `import { OK } from "tsmod";\nexport function handler() {\n  return OK +;\n}\n`);
  const broken = await until(site, "/", (r) => r.status === 500);
  expect(broken.status).toBe(500);
  expect(broken.body).toContain(`${at("handler.ts")}:3:`);
  expect(broken.body).toContain("Expression expected");
  expect(site.log.some((l) => l.includes("[tsmod:error]") && l.includes(`${at("handler.ts")}:3:`))).toBe(true);
  // Still broken on the next request: the error is not cached away.
  expect((await request(site, "/")).status).toBe(500);
  fs.writeFileSync(at("handler.ts"), handler("fixed"));
  expect((await until(site, "/", bodyIs("fixed"))).body).toBe("fixed");
});

test("a module that throws while loading shows where, and serves once fixed", async () => {
  site = await startSite(conf(), {
    "htdocs/handler.ts": `import { OK } from "tsmod";\nimport "./setup";\nexport const handler = () => OK;`,
    "htdocs/setup.ts": `export {};\n\nthrow new Error("setup failed");\n`,
  });
  const broken = await request(site, "/");
  expect(broken.status).toBe(500);
  expect(broken.body).toContain("setup failed");
  expect(broken.body).toContain(`${at("setup.ts")}:3`);
  fs.writeFileSync(at("setup.ts"), `export const ready = true;`);
  expect((await until(site, "/", (r) => r.status === 200)).status).toBe(200);
});

test("TsAutoReload Off keeps the loaded code, past the check interval too", async () => {
  site = await startSite(
    `ServerName 127.0.0.1
DocumentRoot @DIR@/htdocs
<Directory @DIR@/htdocs>
  SetHandler tsmod
  TsHandler handler
  TsAutoReload Off
</Directory>
<Directory @DIR@/htdocs/on>
  TsHandler handler
  TsAutoReload On
</Directory>
`,
    { "htdocs/handler.ts": handler("frozen"), "htdocs/on/handler.ts": handler("live") },
  );
  expect((await request(site, "/")).body).toBe("frozen");
  expect((await request(site, "/on/")).body).toBe("live");
  expect(site.server.site.watcher.folders).toBe(1);
  fs.writeFileSync(at("handler.ts"), handler("thawed"));
  fs.writeFileSync(at("on/handler.ts"), handler("live again"));
  expect((await until(site, "/on/", bodyIs("live again"))).body).toBe("live again");
  // Past the once-a-second fallback check: Off means no check at all.
  await new Promise((r) => setTimeout(r, 1100));
  expect((await request(site, "/")).body).toBe("frozen");
});

test("TsInterpreter: each name has its own instances; req.interpreter reports it", async () => {
  const shared = `
import { OK, type Request } from "tsmod";
let hits = 0;
export async function handler(req: Request) {
  hits++;
  await req.write(req.interpreter + " " + hits);
  return OK;
}`;
  const vhost = (name: string, extra: string) => `<VirtualHost *>
  ServerName ${name}
  DocumentRoot @DIR@/htdocs
  <Directory @DIR@/htdocs>
    SetHandler tsmod
    TsHandler counter
    ${extra}
  </Directory>
</VirtualHost>`;
  site = await startSite(
    [`ServerName 127.0.0.1`, `DocumentRoot @DIR@/htdocs`, vhost("a.test", ""), vhost("b.test", ""), vhost("c.test", "TsInterpreter a.test")].join("\n"),
    { "htdocs/counter.ts": shared },
  );
  const get = async (host: string) => (await request(site, "/", { host })).body;
  expect(await get("a.test")).toBe("a.test 1");
  expect(await get("a.test")).toBe("a.test 2");
  expect(await get("b.test")).toBe("b.test 1");
  // c.test names a.test's interpreter: same registry, same instance.
  expect(await get("c.test")).toBe("a.test 3");
  expect(await get("b.test")).toBe("b.test 2");

  // One edit reloads the module in every interpreter that loaded it.
  fs.writeFileSync(at("counter.ts"), shared.replace(`req.interpreter + " "`, `"new " + req.interpreter + " "`));
  expect((await until(site, "/", (r) => r.body.startsWith("new"), 3000, "a.test")).body).toBe("new a.test 1");
  expect((await until(site, "/", (r) => r.body.startsWith("new"), 3000, "b.test")).body).toBe("new b.test 1");
});

test("closing the server unloads modules and releases every watch", async () => {
  site = await startSite(conf(), {
    "htdocs/handler.ts": `import { OK } from "tsmod";
import * as fs from "node:fs";
import * as path from "node:path";
const timer = setInterval(() => undefined, 60_000);
export function __unload__() { clearInterval(timer); fs.writeFileSync(path.join(__dirname, "unloaded"), "yes"); }
export const handler = () => OK;`,
    "htdocs/lib/x.ts": "",
  });
  expect((await request(site, "/")).status).toBe(200);
  const watcher = site.server.site.watcher;
  expect(watcher.folders).toBe(1);
  const dir = site.dir;
  await site.server.close(1000);
  expect(watcher.folders).toBe(0);
  expect(fs.readFileSync(path.join(dir, "htdocs", "unloaded"), "utf8")).toBe("yes");
});

test("an edited PSP include changes the page that includes it (the PSP engine's own check)", async () => {
  site = await startSite(
    `ServerName 127.0.0.1
DocumentRoot @DIR@/htdocs
<Directory @DIR@/htdocs>
  AddHandler tsmod .psp
  TsHandler tsmod/psp
</Directory>`,
    { "htdocs/page.psp": `<%@ include file="inc/part.psp" %>!`, "htdocs/inc/part.psp": `old part` },
  );
  expect((await request(site, "/page.psp")).body).toBe("old part!");
  fs.writeFileSync(at("inc/part.psp"), `new part`);
  // The PSP cache looks at a page's files at most once a second.
  expect((await until(site, "/page.psp", bodyIs("new part!"), 3000)).body).toBe("new part!");
});
