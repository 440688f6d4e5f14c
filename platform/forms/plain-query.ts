import { CHARSET_FIELD } from "./charset";
import type { Field } from "./field-storage";
import type { FormLimits } from "./limits";

const AMPERSAND = 0x26;
const SEMICOLON = 0x3b;

/** Printable ASCII: each character of such a query is one byte of the wire form. */
const PLAIN = /^[\x21-\x7e]*$/;

/**
 * The query-string fields of the common request (`?name=bob&q=a%20b`) without the byte-level
 * decoder: for printable ASCII, splitting the string and decoding each part with
 * `decodeURIComponent` (after `+` → space) gives the same fields in the same order, provided
 * the escapes are UTF-8, the charset the form is read in. Anything else (non-ASCII, escapes
 * in another charset, a `%` that is not a valid UTF-8 escape, a `_charset_` field, a limit
 * reached) returns null and goes through the full reader, which also words the limit errors.
 * `count` is every pair, blank ones included, as the limits count them.
 */
export function plainQueryFields(
  query: string,
  limits: FormLimits,
  keepBlank: boolean,
  charset: string,
): { fields: Field[]; count: number } | null {
  if (!PLAIN.test(query) || (charset !== "utf-8" && query.includes("%"))) return null;
  const fields: Field[] = [];
  let count = 0;
  // Scanned, not split with a regular expression: no array of parts per request.
  for (let start = 0, end = 0; start <= query.length; start = end + 1) {
    end = start;
    while (end < query.length && query.charCodeAt(end) !== AMPERSAND && query.charCodeAt(end) !== SEMICOLON) end++;
    if (end === start) continue;
    const pair = query.slice(start, end);
    const eq = pair.indexOf("=");
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    const rawValue = eq < 0 ? "" : pair.slice(eq + 1);
    // Decoding never makes a part longer, so within the limit before means within it after.
    if (count >= limits.maxFields || rawName.length > limits.maxFieldSize || rawValue.length > limits.maxFieldSize) return null;
    const name = decodePart(rawName);
    const value = decodePart(rawValue);
    if (name === null || value === null || name === CHARSET_FIELD) return null;
    count++;
    if (keepBlank || value.length > 0) fields.push({ name, value });
  }
  return { fields, count };
}

/** A name or value decoded, or null when an escape is not valid UTF-8 (the reader decides then). */
function decodePart(part: string): string | null {
  if (!part.includes("%") && !part.includes("+")) return part;
  try {
    return decodeURIComponent(part.replace(/\+/g, " "));
  } catch {
    return null;
  }
}
