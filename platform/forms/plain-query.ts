import type { Field } from "./field-storage";
import type { FormLimits } from "./limits";

/** Printable ASCII without `%` and `+`: such a query's fields are its substrings as they are. */
const PLAIN = /^[\x21-\x24\x26-\x2a\x2c-\x7e]*$/;

/**
 * The query-string fields of the common request (`?name=bob&n=3`) without the byte-level
 * decoder: when nothing needs decoding, splitting the string gives the same fields, in the
 * same order. Anything else (escapes, `+`, non-ASCII, a `_charset_` field, a limit reached)
 * returns null and goes through the full reader, which also words the limit errors.
 * `count` is every pair, blank ones included, as the limits count them.
 */
export function plainQueryFields(query: string, limits: FormLimits, keepBlank: boolean): { fields: Field[]; count: number } | null {
  if (!PLAIN.test(query) || query.includes("_charset_")) return null;
  const fields: Field[] = [];
  let count = 0;
  for (const pair of query.split(/[&;]/)) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const name = eq < 0 ? pair : pair.slice(0, eq);
    const value = eq < 0 ? "" : pair.slice(eq + 1);
    if (count >= limits.maxFields || name.length > limits.maxFieldSize || value.length > limits.maxFieldSize) return null;
    count++;
    if (keepBlank || value.length > 0) fields.push({ name, value });
  }
  return { fields, count };
}
