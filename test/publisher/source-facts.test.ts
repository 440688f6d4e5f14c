/* The "own export" rule, read from module sources. */
import { analyse } from "../../publisher/source-facts";

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
