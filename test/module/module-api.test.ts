/*
 * The module API as an embedder and a third party use it: built-ins added beside the shipped
 * ones, hooks ordered and skipped per plan, per-configuration state across a reload, providers,
 * and the errors a bad module gets.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { DECLINED, HOOK_FIRST, HOOK_LAST, OK, defineModule, directive, moduleState, serverConfigOf, startServer, type TsmodModule } from "../../index";
import { ModuleSet } from "../../platform/module";
import { request, writeTree } from "../helpers/site";

async function startWith(modules: TsmodModule<any>[], conf: string, files: Record<string, string> = {}) {
  const dir = writeTree({ "htdocs/index.html": "home", ...files, "tsmod.conf": `Listen 127.0.0.1:0\n${conf}` });
  const log: string[] = [];
  const server = await startServer(path.join(dir, "tsmod.conf"), { modules, errorLog: (line: string) => log.push(line) });
  const port = Number(new URL(server.urls()[0]).port);
  return {
    dir,
    log,
    port,
    server,
    close: async () => {
      await server.close(1000);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

test("an embedder's built-in module is added beside the shipped ones, which keep working", async () => {
  const extra = defineModule({ name: "greeting", builtins: { "tsmod/greeting": () => ({ handler: (req: { write(s: string): unknown }) => (req.write("hi from a built-in"), OK) }) } });
  const site = await startWith([extra], "<Location /g>\n  SetHandler tsmod\n  TsHandler tsmod/greeting\n</Location>\n<Location /pub>\n  SetHandler tsmod\n  TsHandler tsmod/publisher\n</Location>\n", {
    "htdocs/pub.ts": "export function hello() { return 'from the publisher'; }\n",
  });
  try {
    expect((await request(site, "/g")).body).toBe("hi from a built-in");
    expect((await request(site, "/pub/hello")).body).toBe("from the publisher");
  } finally {
    await site.close();
  }
});

test("hooks run in order (FIRST, MIDDLE, LAST) and a hook whose `when` is false is left out of that plan", async () => {
  const Trace = directive<boolean>({ name: "Trace", context: "both", args: 1, parse: ([v]) => v === "on" });
  const seen: string[] = [];
  const m = defineModule<{ trace: boolean }>({
    name: "tracer",
    directives: [Trace],
    dirConfig: (values) => ({ trace: values.get(Trace) ?? false }),
    hooks: {
      fixup: [
        { order: HOOK_LAST, run: (req) => (seen.push(`last ${req.uri}`), DECLINED) },
        { order: HOOK_FIRST, when: (c) => c.trace, run: (req) => (seen.push(`first ${req.uri}`), DECLINED) },
        (req) => (seen.push(`middle ${req.uri}`), DECLINED),
      ],
    },
  });
  const site = await startWith([m], "<Location /traced>\n  Trace on\n</Location>\n", { "htdocs/traced/index.html": "t" });
  try {
    await request(site, "/index.html");
    await request(site, "/traced/index.html");
    expect(seen).toEqual(["middle /index.html", "last /index.html", "first /traced/index.html", "middle /traced/index.html", "last /traced/index.html"]);
  } finally {
    await site.close();
  }
});

test("a module's state is per configuration: a reload starts it again, the old one stops after its requests", async () => {
  const events: string[] = [];
  let generation = 0;
  const m: TsmodModule = defineModule({
    name: "counter",
    start: () => ({ generation: ++generation, hits: 0 }),
    stop: (state: { generation: number; hits: number }) => void events.push(`stop ${state.generation} after ${state.hits}`),
    handlers: {
      count(req) {
        const state = moduleState<{ generation: number; hits: number }>(req, m);
        state.hits++;
        void req.write(`${state.generation}:${state.hits}`);
        return OK;
      },
    },
  });
  const site = await startWith([m], "<Location /c>\n  SetHandler count\n</Location>\n");
  try {
    expect((await request(site, "/c")).body).toBe("1:1");
    expect((await request(site, "/c")).body).toBe("1:2");
    expect(await site.server.reload()).toBe(true);
    expect((await request(site, "/c")).body).toBe("2:1");
    await waitFor(() => events.length > 0);
    expect(events).toEqual(["stop 1 after 2"]);
  } finally {
    await site.close();
  }
  expect(events).toEqual(["stop 1 after 2", "stop 2 after 1"]);
});

test("session stores are providers: a module adds one that TsOption tsmod.session.type names", async () => {
  const { MemoryStore } = await import("../../sessions");
  const created: string[] = [];
  const m = defineModule({
    name: "my_store",
    providers: { sessionStore: { mine: { location: () => "mine", create: () => (created.push("mine"), new MemoryStore()) } } },
  });
  const site = await startWith([m], "TsOption tsmod.session.type mine\n<Location /s>\n  SetHandler tsmod\n  TsHandler app\n</Location>\n", {
    "htdocs/app.ts": "import { OK, type Request } from 'tsmod';\nexport async function handler(req: Request) { const s = await req.getSession(); s.set('n', ((s.get('n') as number) ?? 0) + 1); await s.save(); req.write(String(s.get('n'))); return OK; }\n",
  });
  try {
    expect((await request(site, "/s")).body).toBe("1");
    expect(created).toEqual(["mine"]);
  } finally {
    await site.close();
  }
});

test("a per-server config is worked out once per (virtual) server and read by the request's server", async () => {
  const Motto = directive<string>({ name: "Motto", context: "server", args: 1, parse: ([v]) => v });
  let made = 0;
  const m: TsmodModule = defineModule({
    name: "motto",
    directives: [Motto],
    serverConfig: (values) => (made++, { motto: values.get(Motto) ?? "none" }),
    handlers: { motto: (req) => (void req.write(serverConfigOf<{ motto: string }>(req, m).motto), OK) },
  });
  const site = await startWith([m], "Motto main\nSetHandler motto\n<VirtualHost *>\n  ServerName a.example\n</VirtualHost>\n<VirtualHost *>\n  ServerName b.example\n  Motto b\n</VirtualHost>\n");
  try {
    // A virtual host inherits the main server's value unless it sets its own.
    expect((await request(site, "/a", { host: "a.example" })).body).toBe("main");
    expect((await request(site, "/b", { host: "b.example" })).body).toBe("b");
    expect((await request(site, "/c", { host: "b.example" })).body).toBe("b");
    expect(made).toBe(3);
  } finally {
    await site.close();
  }
});

test("a handler module named by package resolves through ServerRoot's node_modules", async () => {
  const site = await startWith([], "<Location /pkg>\n  SetHandler tsmod\n  TsAuthenHandler @acme/tsmod-always\n  AuthType Basic\n  AuthName acme\n  Require valid-user\n  TsHandler @acme/tsmod-always::content\n</Location>\n", {
    "node_modules/@acme/tsmod-always/package.json": JSON.stringify({ name: "@acme/tsmod-always", main: "index.js" }),
    "node_modules/@acme/tsmod-always/index.js": "exports.authenhandler = (req) => { req.user = 'acme'; return 0; };\nexports.content = (req) => { req.write('hello ' + req.user); return 0; };\n",
  });
  try {
    expect((await request(site, "/pkg")).body).toBe("hello acme");
  } finally {
    await site.close();
  }
});

test("a module that clashes with another is refused with a clear message", () => {
  const a = defineModule({ name: "a", directives: [directive({ name: "Same", context: "both", args: 1, parse: ([v]) => v })] });
  const b = defineModule({ name: "b", directives: [directive({ name: "same", context: "both", args: 1, parse: ([v]) => v })] });
  expect(() => new ModuleSet([a, b])).toThrow("module 'b' declares directive same that module 'a' already has");
  expect(() => new ModuleSet([a, defineModule({ name: "A" })])).toThrow("a module named 'A' is already loaded");
  expect(() => defineModule({ name: "not a name" })).toThrow(/not a module name/);
});

async function waitFor(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}
