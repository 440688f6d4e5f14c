import { ErrorCode, TsmodError } from "../errors";

/**
 * A JSON-safe form of a value that keeps what JSON would lose. JSON turns a Date into a string
 * (iron-session 8's documented defect), NaN and Infinity into null, and drops undefined. Here
 * every array is a tagged node, so a tag can never be mistaken for user data:
 *
 *   ["a", ...items]   an array          ["d", epochMs | null]   a Date (null: an invalid one)
 *   ["n", "NaN" | "Infinity" | "-Infinity"]                    ["u"]   undefined
 *
 * Strings, booleans, null and finite numbers are themselves; plain objects map their values.
 * Anything else (Map, Set, class instances, bigint, functions, cycles) throws `COOKIE_INVALID`
 * instead of silently coming back as something else.
 */
export function encodeValue(value: unknown, path: object[] = []): unknown {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : ["n", String(value)];
  if (value === undefined) return ["u"];
  // Realm-independent checks: handler modules may run in another V8 context than tsmod.
  if (Object.prototype.toString.call(value) === "[object Date]") {
    const time = (value as Date).getTime();
    return ["d", Number.isNaN(time) ? null : time];
  }
  if (typeof value !== "object") throw unsealable(typeof value);
  if (path.includes(value)) throw unsealable("circular structure");
  const inner = [...path, value];
  if (Array.isArray(value)) return ["a", ...value.map((item) => encodeValue(item, inner))];
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== null && Object.getPrototypeOf(proto) !== null) {
    throw unsealable((proto as { constructor?: { name?: string } }).constructor?.name ?? "object");
  }
  // No prototype, so an own "__proto__" key stays a key.
  const out: Record<string, unknown> = Object.create(null);
  for (const [key, item] of Object.entries(value)) out[key] = encodeValue(item, inner);
  return out;
}

/** The inverse of `encodeValue`; throws on anything it could not have produced. */
export function decodeValue(encoded: unknown): unknown {
  if (Array.isArray(encoded)) {
    const [tag, ...rest] = encoded as unknown[];
    switch (tag) {
      case "a":
        return rest.map(decodeValue);
      case "d":
        return new Date(typeof rest[0] === "number" ? rest[0] : Number.NaN);
      case "n":
        return Number(rest[0]);
      case "u":
        return undefined;
      default:
        throw new TypeError(`unknown tag ${JSON.stringify(tag)}`);
    }
  }
  if (encoded === null || typeof encoded !== "object") return encoded;
  const record = encoded as Record<string, unknown>;
  // JSON.parse made every key, "__proto__" included, an own data property; assigning to an
  // own property never reaches the prototype.
  for (const key of Object.keys(record)) record[key] = decodeValue(record[key]);
  return record;
}

function unsealable(what: string): TsmodError {
  return new TsmodError(ErrorCode.COOKIE_INVALID, `cannot seal a ${what}: only JSON values, undefined and Dates`);
}
