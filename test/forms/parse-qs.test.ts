import { parseQs, parseQsl } from "../../platform/forms";

describe("parseQsl", () => {
  test("keeps order and repeated names (F1's field list)", () => {
    expect(parseQsl("spam=1&spam=2&eggs=3&bacon=4")).toEqual([
      ["spam", "1"],
      ["spam", "2"],
      ["eggs", "3"],
      ["bacon", "4"],
    ]);
  });

  test("splits on both & and ;", () => {
    expect(parseQsl("a=1;b=2&c=3")).toEqual([
      ["a", "1"],
      ["b", "2"],
      ["c", "3"],
    ]);
  });

  test("+ is a space and percent-escapes are UTF-8 bytes", () => {
    expect(parseQsl("q=hello+world&e=%C3%A9t%C3%A9&plus=%2B")).toEqual([
      ["q", "hello world"],
      ["e", "été"],
      ["plus", "+"],
    ]);
  });

  test("the first = ends the name; later ones belong to the value", () => {
    expect(parseQsl("expr=a=b=c")).toEqual([["expr", "a=b=c"]]);
  });

  test("drops blank values unless keepBlank, and skips empty pairs either way", () => {
    expect(parseQsl("a=&b&&c=1&=")).toEqual([["c", "1"]]);
    expect(parseQsl("a=&b&&c=1&=", true)).toEqual([
      ["a", ""],
      ["b", ""],
      ["c", "1"],
      ["", ""],
    ]);
  });

  test("tolerates malformed percent-escapes by keeping them as text", () => {
    expect(parseQsl("a=100%&b=%zz&c=%4&d=%%41&e=%4g")).toEqual([
      ["a", "100%"],
      ["b", "%zz"],
      ["c", "%4"],
      ["d", "%A"],
      ["e", "%4g"],
    ]);
  });

  test("invalid UTF-8 becomes U+FFFD rather than an error", () => {
    expect(parseQsl("x=%FF")).toEqual([["x", "\uFFFD"]]);
  });

  test("an empty string has no fields", () => {
    expect(parseQsl("")).toEqual([]);
  });
});

describe("parseQs", () => {
  test("groups values by name in order", () => {
    expect(parseQs("a=1&b=2&a=3")).toEqual({ a: ["1", "3"], b: ["2"] });
  });

  test("prototype names are plain keys and cannot pollute", () => {
    const parsed = parseQs("__proto__=x&constructor=y&toString=z");
    expect(Object.getPrototypeOf(parsed)).toBeNull();
    expect(parsed["__proto__"]).toEqual(["x"]);
    expect(parsed.constructor).toEqual(["y"]);
    expect(parsed.toString).toEqual(["z"]);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  test("keepBlank applies as in parseQsl", () => {
    expect(parseQs("a=&b=1")).toEqual({ b: ["1"] });
    expect(parseQs("a=&b=1", true)).toEqual({ a: [""], b: ["1"] });
  });
});
