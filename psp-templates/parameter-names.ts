import type * as TS from "typescript";
import { typescript } from "../platform";

/**
 * How a function wants its arguments: by position (`(name, age)`; a slot is `undefined` where
 * the parameter is a pattern, and a rest parameter ends the list), or as one object
 * (`({ name, age })`) whose listed properties are filled in.
 */
export type ParameterBinding = { style: "positional"; names: (string | undefined)[] } | { style: "object"; names: string[] };

const bindings = new WeakMap<Function, ParameterBinding>();

/** Reads the parameter names from the function's source with the TypeScript parser, once per function. */
export function parameterBinding(fn: Function): ParameterBinding {
  let binding = bindings.get(fn);
  if (!binding) {
    binding = bindingOf(parametersOf(Function.prototype.toString.call(fn)));
    bindings.set(fn, binding);
  }
  return binding;
}

/**
 * `fn.toString()` is a function or arrow expression, or, for a method, `name(a, b) {...}`,
 * which only parses inside an object literal. Native and bound functions show no parameters.
 */
function parametersOf(source: string): readonly TS.ParameterDeclaration[] {
  const ts = typescript();
  const asExpression = firstExpression(`(${source})`);
  if (asExpression && (ts.isFunctionExpression(asExpression) || ts.isArrowFunction(asExpression))) {
    return asExpression.parameters;
  }
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
  const statement = file.statements[0];
  if (!statement || !ts.isExpressionStatement(statement)) return undefined;
  let expression: TS.Expression = statement.expression;
  while (ts.isParenthesizedExpression(expression)) expression = expression.expression;
  return expression;
}

function bindingOf(parameters: readonly TS.ParameterDeclaration[]): ParameterBinding {
  const ts = typescript();
  const [only] = parameters;
  if (parameters.length === 1 && ts.isObjectBindingPattern(only.name)) {
    const names = only.name.elements.flatMap((element) => {
      if (element.dotDotDotToken) return [];
      const key = element.propertyName ?? element.name;
      return ts.isIdentifier(key) || ts.isStringLiteral(key) ? [key.text] : [];
    });
    return { style: "object", names };
  }
  const names: (string | undefined)[] = [];
  for (const parameter of parameters) {
    if (parameter.dotDotDotToken) break;
    names.push(ts.isIdentifier(parameter.name) ? parameter.name.text : undefined);
  }
  return { style: "positional", names };
}
