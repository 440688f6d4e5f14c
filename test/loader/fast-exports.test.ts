/*
 * keepExportsFast (platform/loader/fast-exports.js) drops TypeScript's `exports.a = void 0`
 * for names a module re-exports through a getter, so V8 keeps its exports object in fast mode.
 * Checked on the transformer's output, on the compiler thread's output for handler modules, and
 * on the built package, in a child process started with --allow-natives-syntax.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import * as ts from "typescript";

import { compileModule } from "../../platform/loader";

const { keepExportsFast } = require("../../platform/loader/fast-exports") as {
  keepExportsFast: (t: typeof ts) => ts.TransformerFactory<ts.SourceFile>;
};

const SOURCE = `export { a, b as renamed } from "./ab";
export const c = 1;
export let d = "d";
`;

function emit(withTransformer: boolean): string {
  return ts.transpileModule(SOURCE, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    transformers: withTransformer ? { after: [keepExportsFast(ts)] } : undefined,
  }).outputText;
}

/** The names of the `exports.x = ... = void 0;` statements in `js`. */
function hoisted(js: string): string[] {
  return [...js.matchAll(/^exports\.[\w$]+ = (?:exports\.[\w$]+ = )*void 0;$/gm)].flatMap((m) => [...m[0].matchAll(/exports\.([\w$]+)/g)].map((n) => n[1])).sort();
}

/** Evaluates compiled CommonJS with `./ab` resolved to a module of two getter-free exports. */
function evaluate(js: string): Record<string, unknown> {
  const exports: Record<string, unknown> = {};
  const require = (id: string) => (id === "./ab" ? { __esModule: true, a: "A", b: "B" } : undefined);
  new Function("exports", "require", js)(exports, require);
  return exports;
}

test("without the transformer TypeScript hoists every exported name (the transformer has work to do)", () => {
  expect(hoisted(emit(false))).toEqual(["a", "c", "d", "renamed"]);
});

test("the re-exported names lose their hoist; local ones keep it; the values are the same", () => {
  const js = emit(true);
  expect(hoisted(js)).toEqual(["c", "d"]);
  expect(evaluate(js)).toEqual(evaluate(emit(false)));
  expect(evaluate(js)).toEqual({ a: "A", renamed: "B", c: 1, d: "d" });
});

test("a module with nothing re-exported is emitted unchanged", () => {
  const source = "export const x = 1;\nexport function f() { return x; }\n";
  const opts = { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } };
  expect(ts.transpileModule(source, { ...opts, transformers: { after: [keepExportsFast(ts)] } }).outputText).toBe(ts.transpileModule(source, opts).outputText);
});

test("handler modules compiled by the compiler thread get it too", () => {
  const js = compileModule(path.join(__dirname, "virtual-handler.ts"), SOURCE);
  expect(hoisted(js)).toEqual(["c", "d"]);
});

test("every module of the built package keeps a fast exports object", () => {
  const script = path.join(__dirname, "fixtures", "fast-exports.js");
  const out = JSON.parse(execFileSync(process.execPath, ["--allow-natives-syntax", script], { encoding: "utf8", timeout: 60_000 })) as {
    checked: number;
    slow: string[];
  };
  expect(out.checked).toBeGreaterThan(100);
  expect(out.slow).toEqual([]);
});
