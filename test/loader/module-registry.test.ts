/*
 * The registry on its own: the invalidation graph, hand-over hooks, the mtime fallback with a
 * fake clock, TsAutoReload Off, node_modules, separate interpreters, and FileWatcher.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { FileWatcher, ModuleRegistry, resolveImport, resolveModuleFile, type RegistryOptions } from "../../platform/loader";
import { waitFor, writeTree } from "../helpers/site";

/** Modules report to the test through a built-in, the one object both realms share. */
interface Probe {
  events: string[];
}

function setup(files: Record<string, string>, extra: Partial<RegistryOptions> = {}) {
  const dir = writeTree(files);
  const probe: Probe = { events: [] };
  const logged: string[] = [];
  const registry = new ModuleRegistry("test", {
    builtins: new Map([["tsmod/probe", probe]]),
    log: (m) => logged.push(m),
    ...extra,
  });
  const file = (rel: string) => path.join(dir, rel);
  return { dir, probe, registry, logged, file };
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function tracked<T extends { dir: string }>(s: T): T {
  dirs.push(s.dir);
  return s;
}

describe("invalidation graph", () => {
  const files = {
    "a.ts": `import { b } from "./b"; export const a = () => "a" + b();`,
    "b.ts": `import { c } from "./c"; export const b = () => "b" + c();`,
    "c.ts": `export const c = () => "c";`,
    "d.ts": `import { c } from "./c"; export const d = () => "d" + c();`,
    "e.ts": `export const e = 1;`,
  };

  test("records both directions of every import edge", () => {
    const { registry, file } = tracked(setup(files));
    registry.load(file("a.ts"));
    registry.load(file("d.ts"));
    expect([...registry.get(file("a.ts"))!.dependencies]).toEqual([file("b.ts")]);
    expect([...registry.get(file("c.ts"))!.dependents].sort()).toEqual([file("b.ts"), file("d.ts")]);
    expect([...registry.loaded()].map((m) => path.basename(m.filename)).sort()).toEqual(["a.ts", "b.ts", "c.ts", "d.ts"]);
  });

  test("a leaf drops every module that imports it, directly or not, and nothing else", () => {
    const { registry, file } = tracked(setup(files));
    registry.load(file("a.ts"));
    registry.load(file("d.ts"));
    registry.load(file("e.ts"));
    const dropped = registry.invalidate(file("c.ts")).map((m) => path.basename(m.filename));
    expect(dropped.sort()).toEqual(["a.ts", "b.ts", "c.ts", "d.ts"]);
    expect(registry.get(file("e.ts"))).toBeDefined();
  });

  test("a middle module drops its importers but keeps its own imports loaded", () => {
    const { registry, file } = tracked(setup(files));
    registry.load(file("a.ts"));
    registry.load(file("d.ts"));
    const cBefore = registry.load(file("c.ts"));
    expect(registry.invalidate(file("b.ts")).map((m) => path.basename(m.filename)).sort()).toEqual(["a.ts", "b.ts"]);
    expect(registry.get(file("c.ts"))!.dependents).toEqual(new Set([file("d.ts")]));
    registry.load(file("a.ts"));
    expect(registry.load(file("c.ts"))).toBe(cBefore);
    expect(registry.get(file("c.ts"))!.dependents).toEqual(new Set([file("b.ts"), file("d.ts")]));
  });

  test("an import cycle is dropped as a whole without looping", () => {
    const { registry, file } = tracked(
      setup({
        "x.ts": `import * as y from "./y"; export const name = "x"; export const other = () => y.name;`,
        "y.ts": `import * as x from "./x"; export const name = "y"; export const other = () => x.name;`,
      }),
    );
    const x = registry.load(file("x.ts")) as { other: () => string };
    expect(x.other()).toBe("y");
    expect(registry.invalidate(file("y.ts")).map((m) => path.basename(m.filename)).sort()).toEqual(["x.ts", "y.ts"]);
    expect([...registry.loaded()]).toEqual([]);
  });

  test("a module that throws while loading is not kept, and its import edges go with it", () => {
    const { registry, file } = tracked(
      setup({
        "bad.ts": `import { c } from "./c"; c(); throw new Error("boom at load");`,
        "c.ts": `export const c = () => "c";`,
      }),
    );
    expect(() => registry.load(file("bad.ts"))).toThrow("boom at load");
    expect(registry.get(file("bad.ts"))).toBeUndefined();
    expect(registry.get(file("c.ts"))!.dependents.size).toBe(0);
    fs.writeFileSync(file("bad.ts"), `export const fixed = true;`);
    expect(registry.load(file("bad.ts"))).toEqual({ fixed: true });
  });

  test("a syntax error is reported as file:line:column", () => {
    const { registry, file } = tracked(setup({ "syn.ts": `export const a = 1;\nexport const b = (;\n` }));
    expect(() => registry.load(file("syn.ts"))).toThrow(`${file("syn.ts")}:2:`);
  });
});

describe("hand-over", () => {
  const counter = (version: number) => `
    import { events } from "tsmod/probe";
    export const state = { count: 0, version: ${version} };
    export function __reload__(previous: { state: { count: number; version: number } }) {
      state.count = previous.state.count;
      events.push("reload v" + previous.state.version + " -> v${version}");
    }
    export function __unload__() { events.push("unload v${version}"); }
  `;

  test("__reload__ gets the old exports first, then the old module's __unload__ runs", () => {
    const { registry, file, probe, logged } = tracked(setup({ "m.ts": counter(1) }));
    const v1 = registry.load(file("m.ts")) as { state: { count: number } };
    v1.state.count = 5;
    fs.writeFileSync(file("m.ts"), counter(2));
    registry.invalidate(file("m.ts"));
    const v2 = registry.load(file("m.ts")) as { state: { count: number } };
    expect(v2).not.toBe(v1);
    expect(v2.state.count).toBe(5);
    expect(probe.events).toEqual(["reload v1 -> v2", "unload v1"]);
    expect(logged).toContain(`interpreter test: reloaded module ${file("m.ts")} (changed: ${file("m.ts")})`);
  });

  test("a dependent's reload names the file that changed", () => {
    const { registry, file, logged } = tracked(
      setup({ "top.ts": `import { x } from "./lib"; export const y = x;`, "lib.ts": `export const x = 1;` }),
    );
    registry.load(file("top.ts"));
    registry.invalidate(file("lib.ts"));
    registry.load(file("top.ts"));
    expect(logged).toContain(`interpreter test: reloaded module ${file("top.ts")} (changed: ${file("lib.ts")})`);
    expect(logged).toContain(`interpreter test: reloaded module ${file("lib.ts")} (changed: ${file("lib.ts")})`);
  });

  test("a broken edit in between: the last good version is handed over once the fix loads", () => {
    const { registry, file, probe } = tracked(setup({ "m.ts": counter(1) }));
    (registry.load(file("m.ts")) as { state: { count: number } }).state.count = 7;
    fs.writeFileSync(file("m.ts"), `export const broken = (;`);
    registry.invalidate(file("m.ts"));
    expect(() => registry.load(file("m.ts"))).toThrow();
    expect(() => registry.load(file("m.ts"))).toThrow();
    fs.writeFileSync(file("m.ts"), counter(3));
    expect((registry.load(file("m.ts")) as { state: { count: number } }).state.count).toBe(7);
    expect(probe.events).toEqual(["reload v1 -> v3", "unload v1"]);
  });

  test("hooks that throw are logged; the new module serves anyway", () => {
    const { registry, file, logged } = tracked(setup({ "m.ts": `export function __unload__() { throw new Error("unload broke"); }` }));
    registry.load(file("m.ts"));
    fs.writeFileSync(file("m.ts"), `export function __reload__() { throw new Error("reload broke"); }\nexport const ok = 1;`);
    registry.invalidate(file("m.ts"));
    expect(registry.load(file("m.ts")).ok).toBe(1);
    expect(logged.some((l) => l.includes("__reload__ of") && l.includes("reload broke"))).toBe(true);
    expect(logged.some((l) => l.includes("__unload__ of") && l.includes("unload broke"))).toBe(true);
  });

  test("close() unloads loaded and retired modules", () => {
    const { registry, file, probe } = tracked(
      setup({ "a.ts": `import { events } from "tsmod/probe"; export function __unload__() { events.push("a"); }`, "b.ts": `import { events } from "tsmod/probe"; export function __unload__() { events.push("b"); }` }),
    );
    registry.load(file("a.ts"));
    registry.load(file("b.ts"));
    registry.invalidate(file("b.ts"));
    registry.close();
    expect(probe.events.sort()).toEqual(["a", "b"]);
    expect([...registry.loaded()]).toEqual([]);
  });
});

describe("finding changes without a watcher", () => {
  test("the file is looked at again only after the check interval, on use", () => {
    let now = 1000;
    const { registry, file } = tracked(setup({ "m.ts": `export const v = 1;` }, { now: () => now }));
    expect(registry.load(file("m.ts")).v).toBe(1);
    fs.writeFileSync(file("m.ts"), `export const v = 22;`);
    now += 999;
    expect(registry.load(file("m.ts")).v).toBe(1);
    now += 1;
    expect(registry.load(file("m.ts")).v).toBe(22);
  });

  test("a changed import is found through the module that uses it", () => {
    let now = 0;
    const { registry, file } = tracked(
      setup({ "top.ts": `import { x } from "./deep/mid"; export const v = x;`, "deep/mid.ts": `export { x } from "./leaf";`, "deep/leaf.ts": `export const x = "old";` }, { now: () => now }),
    );
    expect(registry.load(file("top.ts")).v).toBe("old");
    fs.writeFileSync(file("deep/leaf.ts"), `export const x = "new!";`);
    now += 1000;
    expect(registry.load(file("top.ts")).v).toBe("new!");
  });

  test("a deleted file fails on use; re-created, it loads again", () => {
    let now = 0;
    const { registry, file } = tracked(setup({ "m.ts": `export const v = 1;` }, { now: () => now }));
    registry.load(file("m.ts"));
    fs.unlinkSync(file("m.ts"));
    now += 1000;
    expect(() => registry.load(file("m.ts"))).toThrow(/cannot read module/);
    fs.writeFileSync(file("m.ts"), `export const v = 2;`);
    expect(registry.load(file("m.ts")).v).toBe(2);
  });

  test("autoReload off: no check, however long ago the module loaded", () => {
    let now = 0;
    const { registry, file } = tracked(setup({ "m.ts": `export const v = 1;` }, { now: () => now }));
    registry.load(file("m.ts"), { autoReload: false });
    fs.writeFileSync(file("m.ts"), `export const v = 2;`);
    now += 60_000;
    expect(registry.load(file("m.ts"), { autoReload: false }).v).toBe(1);
    expect(registry.load(file("m.ts")).v).toBe(2);
  });
});

describe("packages and interpreters", () => {
  test("node_modules packages go through Node's require and are never registry modules", () => {
    const { registry, file } = tracked(
      setup({
        "node_modules/pkg/index.js": `exports.where = "package";`,
        "node_modules/pkg/package.json": `{"name":"pkg","main":"index.js"}`,
        "m.ts": `import { where } from "pkg"; import * as rel from "./node_modules/pkg/index.js"; export const v = where + "/" + rel.where;`,
      }),
    );
    expect(registry.load(file("m.ts")).v).toBe("package/package");
    expect([...registry.loaded()].map((m) => m.filename)).toEqual([file("m.ts")]);
  });

  test("two registries hold separate instances of the same file", () => {
    const s = tracked(setup({ "count.ts": `let n = 0; export const next = () => ++n;` }));
    const other = new ModuleRegistry("other", { builtins: new Map() });
    const a = s.registry.load(s.file("count.ts")) as { next: () => number };
    const b = other.load(s.file("count.ts")) as { next: () => number };
    expect([a.next(), a.next(), b.next()]).toEqual([1, 2, 1]);
    expect(s.registry.load(s.file("count.ts"))).toBe(a);
  });
});

describe("FileWatcher", () => {
  test("reports writes, rename-style saves, deletion and re-creation of a watched file", async () => {
    const dir = writeTree({ "f.txt": "1", "other.txt": "x" });
    dirs.push(dir);
    const watcher = new FileWatcher();
    const seen: string[] = [];
    const stop = watcher.watch(path.join(dir, "f.txt"), (f) => seen.push(f));
    const expectEvent = async (act: () => void) => {
      seen.length = 0;
      act();
      await waitFor(() => seen.length > 0);
      expect(seen.every((f) => f === path.join(dir, "f.txt"))).toBe(true);
    };
    await expectEvent(() => fs.writeFileSync(path.join(dir, "f.txt"), "2"));
    await expectEvent(() => {
      fs.writeFileSync(path.join(dir, ".f.txt.tmp"), "3");
      fs.renameSync(path.join(dir, ".f.txt.tmp"), path.join(dir, "f.txt"));
    });
    await expectEvent(() => fs.unlinkSync(path.join(dir, "f.txt")));
    await expectEvent(() => fs.writeFileSync(path.join(dir, "f.txt"), "4"));
    expect(watcher.folders).toBe(1);
    stop();
    expect(watcher.folders).toBe(0);
    watcher.close();
  });

  test("files in one folder share a watch; close() releases everything", () => {
    const dir = writeTree({ "a": "", "b": "", "sub/c": "" });
    dirs.push(dir);
    const watcher = new FileWatcher();
    const stopA = watcher.watch(path.join(dir, "a"), () => undefined);
    watcher.watch(path.join(dir, "b"), () => undefined);
    watcher.watch(path.join(dir, "sub/c"), () => undefined);
    expect(watcher.folders).toBe(2);
    stopA();
    expect(watcher.folders).toBe(2);
    watcher.close();
    expect(watcher.folders).toBe(0);
    expect(watcher.watch(path.join(dir, "a"), () => undefined)).toBeInstanceOf(Function);
    expect(watcher.folders).toBe(0);
  });

  test("a registry with a watcher drops a module as soon as its file changes", async () => {
    const watcher = new FileWatcher();
    const s = tracked(setup({ "m.ts": `export const v = 1;` }, { watcher }));
    s.registry.load(s.file("m.ts"));
    fs.writeFileSync(s.file("m.ts"), `export const v = 2;`);
    await waitFor(() => s.registry.get(s.file("m.ts")) === undefined);
    expect(s.registry.load(s.file("m.ts")).v).toBe(2);
    s.registry.close();
    expect(watcher.folders).toBe(0);
    watcher.close();
  });
});

describe("relative imports resolve as TypeScript resolves them", () => {
  test("./dep.js names dep.ts, .mjs names .mts, .cjs names .cts; an existing .js file wins", () => {
    const { registry, file } = tracked(
      setup({
        "m.ts": `import { a } from "./a.js"; import { b } from "./b.mjs"; import { c } from "./c.cjs"; import { d } from "./d.js";
                 export const v = [a, b, c, d].join(",");`,
        "a.ts": `export const a: string = "a.ts";`,
        "b.mts": `export const b: string = "b.mts";`,
        "c.cts": `export const c: string = "c.cts";`,
        "d.js": `exports.d = "d.js";`,
        "d.ts": `export const d: string = "d.ts";`,
      }),
    );
    expect(registry.load(file("m.ts")).v).toBe("a.ts,b.mts,c.cts,d.js");
    expect([...registry.loaded()].map((m) => path.basename(m.filename)).sort()).toEqual(["a.ts", "b.mts", "c.cts", "d.js", "m.ts"]);
  });

  test("a name without extension finds .cts, .json and folder/index.*", () => {
    const { registry, file } = tracked(
      setup({
        "m.ts": `import { c } from "./c"; import conf from "./conf"; import { i } from "./lib"; export const v = [c, conf.port, i].join(",");`,
        "c.cts": `export const c = "c.cts";`,
        "conf.json": `{ "port": 8080 }`,
        "lib/index.cts": `export const i = "lib/index.cts";`,
      }),
    );
    expect(registry.load(file("m.ts")).v).toBe("c.cts,8080,lib/index.cts");
  });

  test(".json: default and named imports, as site modules (not Node's require cache)", () => {
    const { registry, file } = tracked(
      setup({
        "m.ts": `import data from "./data.json"; import { list } from "./data.json"; import * as all from "./data.json";
                 export const v = [data.name, list.length, all.name].join(",");`,
        "data.json": `\uFEFF{ "name": "json", "list": [1, 2, 3] }`,
      }),
    );
    expect(registry.load(file("m.ts")).v).toBe("json,3,json");
    expect(registry.get(file("data.json"))!.dependents).toEqual(new Set([file("m.ts")]));
  });

  test("a changed .json file reloads the modules importing it", () => {
    let now = 0;
    const { registry, file } = tracked(setup({ "m.ts": `import data from "./data.json"; export const v = data.n;`, "data.json": `{ "n": 1 }` }, { now: () => now }));
    expect(registry.load(file("m.ts")).v).toBe(1);
    fs.writeFileSync(file("data.json"), `{ "n": 22 }`);
    now += 1000;
    expect(registry.load(file("m.ts")).v).toBe(22);
  });

  test("malformed JSON is an error naming the file; JSON that is not an object (null) reloads without hooks failing", () => {
    const { registry, file, logged } = tracked(
      setup({ "bad.ts": `import x from "./bad.json"; export const v = x;`, "bad.json": `{ "a": `, "n.ts": `import x from "./null.json"; export const v = x;`, "null.json": `null` }),
    );
    expect(() => registry.load(file("bad.ts"))).toThrow(expect.objectContaining({ code: "TSMOD_MODULE_COMPILE", message: expect.stringContaining(file("bad.json")) }));
    expect(registry.load(file("n.ts")).v).toBeNull();
    registry.invalidate(file("null.json"));
    expect(registry.load(file("n.ts")).v).toBeNull();
    registry.close();
    expect(logged.filter((l) => l.includes("failed"))).toEqual([]);
  });

  test("a path through a file (ENOTDIR) is no module, never an exception", () => {
    const { file } = tracked(setup({ "data.json": `{}` }));
    expect(resolveModuleFile(file("data.json"))).toBeNull();
    expect(resolveImport(file("m.ts"), "./data.json/x")).toBeNull();
    expect(resolveImport(file("m.ts"), "./data.json")).toBe(file("data.json"));
  });
});

describe("preload (TsImport): the module stays loaded and its function runs on every new instance", () => {
  const module = (version: number) => `
    import { events } from "tsmod/probe";
    export const state = { version: ${version}, ready: false };
    export function setup() { state.ready = true; events.push("setup v${version}"); }
  `;
  const calls = (errors: unknown[]) => ({
    onLoad: (exports: Record<string, unknown>) => (exports.setup as () => void)(),
    onError: (e: unknown) => void errors.push(e),
  });

  test("after an invalidation the module is loaded again at once, and the function runs on the new instance", async () => {
    const { registry, file, probe } = tracked(setup({ "m.ts": module(1), "other.ts": `export const x = 1;` }));
    const errors: unknown[] = [];
    const { onLoad, onError } = calls(errors);
    await registry.preload(file("m.ts"), {}, onLoad, onError);
    expect(probe.events).toEqual(["setup v1"]);
    fs.writeFileSync(file("m.ts"), module(2));
    registry.invalidate(file("m.ts"));
    await waitFor(() => registry.get(file("m.ts")) !== undefined);
    expect(registry.load(file("m.ts")).state).toEqual({ version: 2, ready: true });
    expect(probe.events).toEqual(["setup v1", "setup v2"]);
    // Other modules are not kept loaded.
    registry.load(file("other.ts"));
    registry.invalidate(file("other.ts"));
    await new Promise((r) => setImmediate(r));
    expect(registry.get(file("other.ts"))).toBeUndefined();
    expect(errors).toEqual([]);
  });

  test("a change to a module it imports reloads it too; a request that loads it first also gets the function run", async () => {
    const { registry, file, probe } = tracked(setup({ "m.ts": `import { n } from "./dep"; ${module(1)}; export const dep = n;`, "dep.ts": `export const n = 1;` }));
    const { onLoad, onError } = calls([]);
    await registry.preload(file("m.ts"), {}, onLoad, onError);
    fs.writeFileSync(file("dep.ts"), `export const n = 2;`);
    registry.invalidate(file("dep.ts"));
    // Loaded by a use before the scheduled reload: the function runs there, once.
    expect(registry.load(file("m.ts")).dep).toBe(2);
    expect(registry.load(file("m.ts")).state).toEqual({ version: 1, ready: true });
    await new Promise((r) => setImmediate(r));
    expect(probe.events).toEqual(["setup v1", "setup v1"]);
  });

  test("failures after the first load go to onError: a broken edit, and the function throwing; a fix is picked up on the next change", async () => {
    const watcher = new FileWatcher();
    const s = tracked(setup({ "m.ts": module(1) }, { watcher }));
    const errors: unknown[] = [];
    let fail = false;
    await s.registry.preload(
      s.file("m.ts"),
      {},
      (exports) => {
        if (fail) throw new Error("setup broke");
        (exports.setup as () => void)();
      },
      (e) => void errors.push(e),
    );
    fs.writeFileSync(s.file("m.ts"), `export const broken = (;`);
    await waitFor(() => errors.length === 1);
    expect(String((errors[0] as Error).message)).toContain(`${s.file("m.ts")}:1:`);
    fs.writeFileSync(s.file("m.ts"), module(3));
    await waitFor(() => s.probe.events.includes("setup v3"));
    fail = true;
    fs.writeFileSync(s.file("m.ts"), module(4));
    await waitFor(() => errors.length === 2);
    expect((errors[1] as Error).message).toBe("setup broke");
    expect(s.registry.load(s.file("m.ts")).state).toEqual({ version: 4, ready: false });
    s.registry.close();
    watcher.close();
  });

  test("an import that fails to compile is retried when that file is fixed", async () => {
    const watcher = new FileWatcher();
    const s = tracked(setup({ "m.ts": `import { n } from "./dep"; ${module(1)}; export const dep = n;`, "dep.ts": `export const n = 1;` }, { watcher }));
    const errors: unknown[] = [];
    const { onLoad } = calls(errors);
    await s.registry.preload(s.file("m.ts"), {}, onLoad, (e) => void errors.push(e));
    fs.writeFileSync(s.file("dep.ts"), `export const n = (;`);
    await waitFor(() => errors.length >= 1);
    fs.writeFileSync(s.file("dep.ts"), `export const n = 3;`);
    await waitFor(() => s.registry.get(s.file("m.ts")) !== undefined);
    expect(s.registry.load(s.file("m.ts")).dep).toBe(3);
    expect(s.probe.events).toEqual(["setup v1", "setup v1"]);
    s.registry.close();
    expect(watcher.folders).toBe(0);
    watcher.close();
  });
});
