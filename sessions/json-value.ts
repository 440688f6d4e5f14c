import { ErrorCode, TsmodError, type JsonValue } from "../platform";

export type { JsonValue };

/**
 * Throws SESSION_VALUE unless `value` is plain JSON data. Sessions are stored as JSON (never
 * pickled or evaluated), and values JSON would silently change - a Date becoming a string,
 * `undefined` vanishing, NaN becoming null, a Map becoming {} - are refused here instead of
 * surprising the next request.
 */
export function assertJsonValue(value: unknown, path: string): asserts value is JsonValue {
  check(value, path, new Set());
}

function check(value: unknown, path: string, ancestors: Set<object>): void {
  switch (typeof value) {
    case "string":
    case "boolean":
      return;
    case "number":
      if (!Number.isFinite(value)) reject(path, `the number ${value}`);
      return;
    case "object":
      break;
    default:
      reject(path, typeof value === "undefined" ? "undefined" : `a ${typeof value}`);
  }
  if (value === null) return;
  if (ancestors.has(value)) reject(path, "a circular reference");
  ancestors.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) check(value[i], `${path}[${i}]`, ancestors);
  } else {
    const proto = Object.getPrototypeOf(value) as object | null;
    if (proto !== Object.prototype && proto !== null) {
      const name = (value as object).constructor?.name ?? "object";
      reject(path, `a ${name}`);
    }
    for (const [key, item] of Object.entries(value)) check(item, `${path}.${key}`, ancestors);
  }
  ancestors.delete(value);
}

function reject(path: string, what: string): never {
  throw new TsmodError(
    ErrorCode.SESSION_VALUE,
    `session value ${path} is ${what}; sessions hold JSON data only ` +
      "(strings, finite numbers, booleans, null, arrays and plain objects; e.g. a time as a number)",
  );
}
