import { decodeText } from "./charset";
import { UrlencodedDecoder } from "./urlencoded-decoder";

/**
 * Splits a query string into `[name, value]` pairs, in order and with repeats, like mod_python's
 * `util.parse_qsl`: "&" and ";" separate pairs, "+" is a space, percent-escapes are decoded as
 * UTF-8 and a malformed escape stays as it was. Pairs with an empty value are dropped unless
 * `keepBlank`.
 *
 * @example parseQsl("a=1&b=&a=x+y") // [["a", "1"], ["a", "x y"]]
 */
export function parseQsl(qs: string, keepBlank = false): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  const decoder = new UrlencodedDecoder((name, value) => {
    if (value.length > 0 || keepBlank) pairs.push([decodeText(name, "utf-8"), decodeText(value, "utf-8")]);
  });
  decoder.write(Buffer.from(qs, "utf8"));
  decoder.end();
  return pairs;
}

/**
 * Like `parseQsl`, grouped by name: every name maps to its values in order. The result has no
 * prototype, so names such as `__proto__` or `constructor` are plain keys.
 *
 * @example parseQs("a=1&a=2&b=3") // { a: ["1", "2"], b: ["3"] }
 */
export function parseQs(qs: string, keepBlank = false): Record<string, string[]> {
  const grouped: Record<string, string[]> = Object.create(null);
  for (const [name, value] of parseQsl(qs, keepBlank)) (grouped[name] ??= []).push(value);
  return grouped;
}
