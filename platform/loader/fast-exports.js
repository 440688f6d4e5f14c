// @ts-check
/*
 * A TypeScript emit transformer, used by `npm run build` (tools/build.js) and by the compiler
 * thread for handler modules. Plain JavaScript because the build needs it before anything is
 * compiled.
 *
 * For a CommonJS module that re-exports (`export { a } from "./a"`, every folder's index.ts),
 * TypeScript emits `exports.a = void 0;` first and later redefines `a` as a getter with
 * `Object.defineProperty`. Turning a data property into an accessor switches V8 to dictionary
 * mode for the whole exports object: every `platform_1.a` in compiled code then becomes a
 * dictionary lookup through the generic LoadIC instead of an inlined getter, which cost the
 * publisher benchmark some 5% of its throughput. The early `void 0` only matters to a module
 * that reads the name during an import cycle, and it reads `undefined` without it too, so for
 * names that get such a getter it is dropped.
 */
"use strict";

/**
 * @param {typeof import("typescript")} ts
 * @returns {import("typescript").TransformerFactory<import("typescript").SourceFile>}
 */
function keepExportsFast(ts) {
  return (context) => (file) => {
    const getters = new Set();
    for (const statement of file.statements) {
      const name = getterExportName(ts, statement);
      if (name !== null) getters.add(name);
    }
    if (getters.size === 0) return file;
    const f = context.factory;
    /** @type {import("typescript").Statement[]} */
    const statements = [];
    for (const statement of file.statements) {
      const hoisted = hoistedNames(ts, statement);
      if (hoisted === null) {
        statements.push(statement);
        continue;
      }
      const kept = hoisted.filter((name) => !getters.has(name));
      if (kept.length === hoisted.length) statements.push(statement);
      else if (kept.length > 0) {
        /** @type {import("typescript").Expression} */
        let chain = f.createVoidZero();
        for (const name of kept.reverse()) chain = f.createAssignment(f.createPropertyAccessExpression(f.createIdentifier("exports"), name), chain);
        statements.push(f.createExpressionStatement(chain));
      }
    }
    return f.updateSourceFile(file, statements);
  };
}

/**
 * The names of `exports.a = exports.b = void 0;`, or null for any other statement.
 * @param {typeof import("typescript")} ts
 * @param {import("typescript").Statement} statement
 * @returns {string[] | null}
 */
function hoistedNames(ts, statement) {
  if (!ts.isExpressionStatement(statement)) return null;
  const names = [];
  let e = statement.expression;
  while (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    const target = e.left;
    if (!ts.isPropertyAccessExpression(target) || !isExports(ts, target.expression) || !ts.isIdentifier(target.name)) return null;
    names.push(target.name.text);
    e = e.right;
  }
  const voidZero = ts.isVoidExpression(e) && ts.isNumericLiteral(e.expression) && e.expression.text === "0";
  return names.length > 0 && voidZero ? names : null;
}

/**
 * `a` for `Object.defineProperty(exports, "a", { ..., get ... })`, else null.
 * @param {typeof import("typescript")} ts
 * @param {import("typescript").Statement} statement
 * @returns {string | null}
 */
function getterExportName(ts, statement) {
  if (!ts.isExpressionStatement(statement) || !ts.isCallExpression(statement.expression)) return null;
  const call = statement.expression;
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee) || !ts.isIdentifier(callee.expression) || callee.expression.text !== "Object") return null;
  if (callee.name.text !== "defineProperty" || call.arguments.length !== 3) return null;
  const [target, name, descriptor] = call.arguments;
  if (!isExports(ts, target) || !ts.isStringLiteral(name) || !ts.isObjectLiteralExpression(descriptor)) return null;
  const hasGetter = descriptor.properties.some((p) => p.name !== undefined && ts.isIdentifier(p.name) && p.name.text === "get");
  return hasGetter ? name.text : null;
}

/**
 * @param {typeof import("typescript")} ts
 * @param {import("typescript").Expression} e
 */
function isExports(ts, e) {
  return ts.isIdentifier(e) && e.text === "exports";
}

module.exports = { keepExportsFast };
