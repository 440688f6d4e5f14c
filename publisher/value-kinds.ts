/**
 * What kind of thing a published value is, as far as the security rules care. Answers about
 * functions are cached per function: they come from its source text.
 */

type FunctionKind = "class" | "native" | "plain";

const functionKinds = new WeakMap<Function, FunctionKind>();

export function functionKind(fn: Function): FunctionKind {
  let kind = functionKinds.get(fn);
  if (!kind) {
    const source = Function.prototype.toString.call(fn);
    // Built-ins and bound functions print as `function name() { [native code] }`.
    kind = /^class\b/.test(source) ? "class" : /\{\s*\[native code\]\s*\}\s*$/.test(source) ? "native" : "plain";
    functionKinds.set(fn, kind);
  }
  return kind;
}

/** An instance of a class written with `class` syntax in JavaScript (not a built-in type). */
export function isUserClassInstance(value: object): boolean {
  const proto: object | null = Object.getPrototypeOf(value);
  if (proto === null || isObjectPrototype(proto)) return false;
  const ctor = Object.getOwnPropertyDescriptor(proto, "constructor")?.value;
  return typeof ctor === "function" && functionKind(ctor) === "class";
}

/**
 * `{...}` or `Object.create(null)`. Compared by shape, not identity: site modules may run in
 * another realm (another `Object.prototype`) than tsmod itself, as under jest.
 */
export function isPlainObject(value: object): boolean {
  const proto: object | null = Object.getPrototypeOf(value);
  return proto === null || isObjectPrototype(proto);
}

function isObjectPrototype(proto: object): boolean {
  return Object.getPrototypeOf(proto) === null && Object.hasOwn(proto, "isPrototypeOf");
}

/** `Object.prototype.toString` tag, which works across realms (`instanceof` does not). */
export function builtinTag(value: unknown): string {
  return Object.prototype.toString.call(value).slice(8, -1);
}

/**
 * A module's exports: an ES module namespace, a compiled module's `exports` (marked
 * `__esModule`), or the copy `import * as x` makes of a CommonJS module (its own keys mirror
 * its `default`).
 */
export function isModuleNamespace(value: object): boolean {
  if (Object.hasOwn(value, "__esModule")) return true;
  if ((value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] === "Module") return true;
  const def = Object.getOwnPropertyDescriptor(value, "default")?.value as Record<string, unknown> | undefined;
  if ((typeof def !== "object" && typeof def !== "function") || def === null) return false;
  const keys = Object.keys(value);
  return keys.length > 1 && keys.every((k) => k === "default" || Object.getOwnPropertyDescriptor(value, k)?.value === def[k]);
}

export type Member = { readonly kind: "data"; readonly value: unknown } | { readonly kind: "accessor" } | null;

/**
 * A member as the publisher sees it: an own property, or a method of a `class` the object is
 * an instance of. Lookup stops at the first built-in prototype, so `Object.prototype`,
 * `Function.prototype`, `Map.prototype`, ... never contribute.
 */
export function lookupMember(obj: object, name: string): Member {
  const own = Object.getOwnPropertyDescriptor(obj, name);
  if (own) return "value" in own ? { kind: "data", value: own.value } : { kind: "accessor" };
  if (typeof obj === "function" || name === "constructor") return null;
  let proto: object | null = Object.getPrototypeOf(obj);
  while (proto !== null && isUserClassPrototype(proto)) {
    const d = Object.getOwnPropertyDescriptor(proto, name);
    if (d) return "value" in d ? { kind: "data", value: d.value } : { kind: "accessor" };
    proto = Object.getPrototypeOf(proto);
  }
  return null;
}

/** The prototype of a class written with `class` syntax (its instances' methods live there). */
export function isUserClassPrototype(proto: object): boolean {
  const ctor = Object.getOwnPropertyDescriptor(proto, "constructor")?.value;
  return typeof ctor === "function" && functionKind(ctor) === "class";
}

/**
 * What a URL may call: a function, or an object with a `__call__` method (the publisher's
 * spelling of a callable object; the leading underscore keeps `__call__` itself off URLs).
 */
export function callableOf(value: unknown): { fn: Function; self: unknown } | null {
  if (typeof value === "function") return { fn: value, self: undefined };
  if (typeof value !== "object" || value === null) return null;
  const call = lookupMember(value, "__call__");
  return call?.kind === "data" && typeof call.value === "function" ? { fn: call.value, self: value } : null;
}
