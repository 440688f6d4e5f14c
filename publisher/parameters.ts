import type * as TS from "typescript";
import { typescript } from "../platform";

/**
 * When a field's value is an array: `always` (declared `string[]` or defaulted to `[]`),
 * `when-repeated` (declared `string | string[]`, or untyped: `any`), `never` (the first value
 * is passed).
 */
export type ArrayMode = "always" | "when-repeated" | "never";

export interface FieldSpec {
  readonly name: string;
  /** No default value and not marked `?`: an absent field is a 400. */
  readonly required: boolean;
  readonly array: ArrayMode;
}

/** How one parameter is filled. */
export type ParamSpec =
  | { readonly kind: "req" }
  | { readonly kind: "field"; readonly field: FieldSpec }
  /** A destructured object: all fields, the named ones as declared. */
  | { readonly kind: "fields"; readonly named: readonly FieldSpec[] }
  /** `...rest`: one element, the object of all fields (mod_python's `**kw`). */
  | { readonly kind: "rest" }
  | { readonly kind: "unbindable"; readonly text: string };

/** The parameter named `req` receives the request (also as a property of a destructured one). */
export const REQUEST_PARAMETER = "req";

/**
 * Describes parameters from their declarations. The same reading serves the compiled
 * function (names, defaults) and its TypeScript declaration (which adds `?` and array types).
 */
export function describeParameters(parameters: readonly TS.ParameterDeclaration[]): ParamSpec[] {
  const ts = typescript();
  const specs: ParamSpec[] = [];
  for (const p of parameters) {
    if (ts.isIdentifier(p.name) && p.name.text === "this") continue;
    if (p.dotDotDotToken) {
      specs.push({ kind: "rest" });
    } else if (ts.isIdentifier(p.name)) {
      specs.push(p.name.text === REQUEST_PARAMETER ? { kind: "req" } : { kind: "field", field: fieldSpec(p.name.text, p.questionToken !== undefined, p.initializer, p.type) });
    } else if (ts.isObjectBindingPattern(p.name)) {
      specs.push({ kind: "fields", named: objectFields(p.name, p.type) });
    } else {
      specs.push({ kind: "unbindable", text: p.getText() });
    }
  }
  return specs;
}

function objectFields(pattern: TS.ObjectBindingPattern, type: TS.TypeNode | undefined): FieldSpec[] {
  const ts = typescript();
  const members = new Map<string, TS.PropertySignature>();
  if (type && ts.isTypeLiteralNode(type)) {
    for (const m of type.members) if (ts.isPropertySignature(m) && (ts.isIdentifier(m.name) || ts.isStringLiteral(m.name))) members.set(m.name.text, m);
  }
  // Without a type (or typed `any`) the fields are untyped too; a named type is one we cannot read.
  const untyped = type === undefined || isAnyType(type);
  const fields: FieldSpec[] = [];
  for (const element of pattern.elements) {
    if (element.dotDotDotToken) continue;
    const key = element.propertyName ?? element.name;
    if (!(ts.isIdentifier(key) || ts.isStringLiteral(key))) continue;
    const member = members.get(key.text);
    fields.push(fieldSpec(key.text, member?.questionToken !== undefined, element.initializer, member?.type ?? (untyped ? undefined : null)));
  }
  return fields;
}

/**
 * `type`: the declared type; undefined when none is written, null when one is written that
 * cannot be read here (a field of a named type). A parameter whose type is `any` — written
 * so, as `unknown`, or implied by having neither a type nor a default — takes what the form
 * has, as mod_python passed it: an array when the field is repeated. A default value gives
 * the parameter its type, as in TypeScript.
 */
function fieldSpec(name: string, optional: boolean, initializer: TS.Expression | undefined, type: TS.TypeNode | null | undefined): FieldSpec {
  const ts = typescript();
  let array: ArrayMode;
  if (initializer && ts.isArrayLiteralExpression(initializer)) array = "always";
  else if (type) array = isAnyType(type) ? "when-repeated" : arrayModeOf(type);
  else array = type === undefined && initializer === undefined ? "when-repeated" : "never";
  return { name, required: !optional && initializer === undefined, array };
}

function isAnyType(type: TS.TypeNode): boolean {
  const ts = typescript();
  return type.kind === ts.SyntaxKind.AnyKeyword || type.kind === ts.SyntaxKind.UnknownKeyword;
}

function arrayModeOf(type: TS.TypeNode): ArrayMode {
  const ts = typescript();
  if (ts.isParenthesizedTypeNode(type)) return arrayModeOf(type.type);
  if (ts.isTypeOperatorNode(type)) return arrayModeOf(type.type);
  if (ts.isArrayTypeNode(type) || ts.isTupleTypeNode(type)) return "always";
  if (ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) && /^(Readonly)?Array$/.test(type.typeName.text)) return "always";
  if (ts.isUnionTypeNode(type)) {
    const modes = type.types.map(arrayModeOf);
    if (modes.every((m) => m === "always")) return "always";
    if (modes.some((m) => m !== "never")) return "when-repeated";
  }
  return "never";
}

/** A key that is equal for a compiled function and its TypeScript declaration. */
export function shapeKey(name: string, specs: readonly ParamSpec[]): string {
  const parts = specs.map((s) => (s.kind === "req" ? REQUEST_PARAMETER : s.kind === "field" ? s.field.name : s.kind === "fields" ? `{${s.named.map((f) => f.name).join(",")}}` : s.kind === "rest" ? "..." : "?"));
  return `${name}(${parts.join(",")})`;
}

