import type * as TS from "typescript";
import { typescript } from "./compile";

/**
 * The parameters of a live function, read from its source text (`fn.toString()`) with the
 * TypeScript parser: a function or arrow expression, or a method (`name(a, b) {...}`, which
 * parses only inside an object literal). Native and bound functions show none. The publisher
 * and PSP's `applyData` bind form fields by these names.
 */
export function parametersOfFunction(fn: Function): readonly TS.ParameterDeclaration[] {
  const ts = typescript();
  const source = Function.prototype.toString.call(fn);
  const asExpression = firstExpression(`(${source})`);
  if (asExpression && (ts.isFunctionExpression(asExpression) || ts.isArrowFunction(asExpression))) return asExpression.parameters;
  const asObject = firstExpression(`({${source}})`);
  if (asObject && ts.isObjectLiteralExpression(asObject)) {
    const method = asObject.properties[0];
    if (method && ts.isMethodDeclaration(method)) return method.parameters;
  }
  return [];
}

function firstExpression(text: string): TS.Expression | undefined {
  const ts = typescript();
  const file = ts.createSourceFile("fn.js", text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  if (file.statements.length !== 1) return undefined;
  const statement = file.statements[0];
  if (!ts.isExpressionStatement(statement)) return undefined;
  let expression: TS.Expression = statement.expression;
  while (ts.isParenthesizedExpression(expression)) expression = expression.expression;
  return expression;
}
