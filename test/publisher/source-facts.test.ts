/* The "own export" rule, parameter declarations and hidden class members, read from module sources. */
import * as fs from "node:fs";
import * as path from "node:path";
import { typescript } from "../../platform";
import { classFacts } from "../../publisher/class-members";
import { analyse } from "../../publisher/source-facts";
import { writeTree } from "../helpers/site";

const own = (file: string, source: string) => [...analyse(file, source).own].sort();

describe("own exports", () => {
  it("declarations exported by the module are own", () => {
    const src = `
      export function f() {}
      export async function g() {}
      export class C {}
      export const a = 1, { b, c } = obj;
      export enum E { X }
      function local() {}
      const value = () => 1;
      export { local, value as renamed };
      export default function () {}
    `;
    expect(own("m.ts", src)).toEqual(["C", "E", "a", "b", "c", "default", "f", "g", "local", "renamed"]);
  });

  it("imported bindings passed on are not", () => {
    const src = `
      import def, { x, y as z } from "./a";
      import * as ns from "./b";
      import eq = require("./c");
      const req = require("./d");
      const { destructured } = require("./e");
      export { x, z, ns, def, eq, req, destructured };
      export { w } from "./f";
      export * from "./g";
      export * as all from "./h";
      export const alias = x;
      export const member = ns.deep.fn;
      export const required = require("./i").thing;
      export const wrapped = (x as any)!;
    `;
    expect(own("m.ts", src)).toEqual([]);
  });

  it("export default of an import is not own, of anything else it is", () => {
    expect(own("m.ts", `import x from "./x"; export default x;`)).toEqual([]);
    expect(own("m.ts", `export default { a: 1 };`)).toEqual(["default"]);
  });

  it("CommonJS: exports.x and module.exports = {...}", () => {
    const src = `
      const h = require("./h");
      const star = __importStar(require("./s"));
      function local() {}
      exports.a = function () {};
      module.exports.b = 1;
      exports.passed = h.fn;
      exports.starred = star;
    `;
    expect(own("m.js", src)).toEqual(["a", "b"]);
    expect(own("m.js", `const h = require("./h"); function local() {} module.exports = { local, h, direct: () => 1, via: h.x, m() {} };`)).toEqual(["direct", "local", "m"]);
  });
});

describe("declarations for parameter types", () => {
  it("keys functions, methods and function-valued properties by name and parameter names", () => {
    const { declarations } = analyse(
      "m.ts",
      `export function f(a: string[], b?: string) {}
       class K { m({ x, y }: { x: string; y?: number[] }) {} }
       export const o = { p: (req: unknown, ...kw: string[]) => 1 };`,
    );
    expect([...declarations.keys()].sort()).toEqual(["f(a,b)", "m({x,y})", "p(req,...)"]);
    expect(declarations.get("f(a,b)")).toEqual([
      { kind: "field", field: { name: "a", required: true, array: "always" } },
      { kind: "field", field: { name: "b", required: false, array: "never" } },
    ]);
    expect(declarations.get("m({x,y})")).toEqual([
      { kind: "fields", named: [{ name: "x", required: true, array: "never" }, { name: "y", required: false, array: "always" }] },
    ]);
  });

  it("two declarations of one shape that disagree give no hint", () => {
    const { declarations } = analyse("m.ts", `function f(a: string[]) {} const o = { f(a: string) {} };`);
    expect(declarations.get("f(a)")).toBeNull();
  });
});

describe("members TypeScript hides (private, protected)", () => {
  const ts = typescript();
  const facts = (source: string) => classFacts(ts, ts.createSourceFile("m.ts", source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS));

  it("reads methods, fields, accessors and parameter properties of every class, by its compiled name; statics and #names are left out", () => {
    const { visibility } = facts(`
      export class Shop {
        constructor(private db: unknown, public name: string, readonly id: number, plain: number) {}
        open() {}
        public pub() {}
        private secret() {}
        protected guarded() {}
        private field = 1;
        protected get total() { return 1; }
        static private_static() {}
        private static hiddenStatic() {}
        #real() {}
      }
      export default class { private d() {} }
      const Expr = class { private e() {} };
      export const inline = new (class { private i() {} })();
      function nested() { class Inner { protected n() {} } }
    `);
    expect(Object.fromEntries([...visibility].map(([k, v]) => [k, Object.fromEntries(v)]))).toEqual({
      Shop: { db: true, name: false, id: false, open: false, pub: false, secret: true, guarded: true, field: true, total: true },
      default_1: { d: true },
      Expr: { e: true },
      "": { i: true },
      Inner: { n: true },
    });
  });

  it("collects the relative modules the file imports, however it imports them", () => {
    const { imports } = facts(`
      import { a } from "./a.js"; import type { T } from "../t"; import b = require("./b");
      export { c } from "./c"; export * from "/abs/d";
      const e = require("./e"); const f = import("./f");
      import pkg from "pkg"; import fs from "node:fs";
    `);
    expect(imports).toEqual(["./a.js", "../t", "./b", "./c", "/abs/d", "./e", "./f"]);
  });

  it("the class of the instance decides first, then the classes it extends", () => {
    const { isHiddenMember } = analyse(
      "/nowhere/m.ts",
      `class Base { protected hook() {} private base() {} open() {} }
       class Sub extends Base { public hook() {} private own() {} }`,
    );
    class Base {
      hook() {}
      base() {}
      open() {}
    }
    class Sub extends Base {
      override hook() {}
      own() {}
    }
    const sub = new Sub();
    expect(["hook", "base", "open", "own", "missing"].map((n) => [n, isHiddenMember(sub, n)])).toEqual([
      ["hook", false],
      ["base", true],
      ["open", false],
      ["own", true],
      ["missing", false],
    ]);
    expect(isHiddenMember(new Base(), "hook")).toBe(true);
    // A plain object has no class to ask.
    expect(isHiddenMember({ base: () => 1 }, "base")).toBe(false);
  });

  it("classes of the site modules the module imports are read too, transitively", () => {
    const dir = writeTree({
      "m.ts": `import { Locker } from "./locker.js"; export const locker = new Locker();`,
      "locker.ts": `export { Locker } from "./impl";`,
      "impl/index.ts": `export class Locker { private code() {} open() {} }`,
    });
    try {
      const { isHiddenMember } = analyse(path.join(dir, "m.ts"), fs.readFileSync(path.join(dir, "m.ts"), "utf8"));
      class Locker {
        code() {}
        open() {}
      }
      expect([isHiddenMember(new Locker(), "code"), isHiddenMember(new Locker(), "open")]).toEqual([true, false]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
