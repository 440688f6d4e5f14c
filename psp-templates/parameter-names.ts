import type * as TS from "typescript";
import { parametersOfFunction, typescript } from "../platform";

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
    binding = bindingOf(parametersOfFunction(fn));
    bindings.set(fn, binding);
  }
  return binding;
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
