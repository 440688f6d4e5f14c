import { parseCookies, serializeCookie } from "../../platform/cookies";

describe("parseCookies", () => {
  test("G1: lenient parsing of two Cookie headers, as Node passes them (an array)", () => {
    expect(parseCookies(["spam=foo; path=blah;;eggs=bar;", "bar=foo"])).toEqual({
      spam: "foo",
      path: "blah",
      eggs: "bar",
      bar: "foo",
    });
  });

  test.each([
    ["Apache's join", "spam=foo; path=blah;;eggs=bar;, bar=foo"],
    ["Node's join", "spam=foo; path=blah;;eggs=bar;; bar=foo"],
  ])("G1: the same headers joined by %s", (_label, header) => {
    expect({ ...parseCookies(header) }).toEqual({ spam: "foo", path: "blah", eggs: "bar", bar: "foo" });
  });

  test("G2: opaque values come back exactly as sent, '=' padding included", () => {
    const marshal = "d049b2b61adb6a1d895646719a3dc30bcwQAAABzcGFt";
    const long =
      "859690207856ec75fc641a7566894e40c1QAAAB0aGlzIGlzIGEgdmVyeSBsb25nIHZhbHVlLCBsb25nIGxvbmcgbG9uZyBsb25nIGxvbmcgc28gbG9uZyBidXQgd2UnbGwgZmluaXNoIGl0IHNvb24=";
    const sent = [`eggs=${marshal}`, `test=${long}`];
    for (const header of sent) {
      const cookies = parseCookies(header);
      const [[name, value]] = Object.entries(cookies);
      expect(serializeCookie(name, value)).toBe(header);
    }
  });

  test("values are never percent-decoded, and may contain commas and '='", () => {
    expect({ ...parseCookies("a=%41%ZZ; b=x,y; c=k=v") }).toEqual({ a: "%41%ZZ", b: "x,y", c: "k=v" });
  });

  test("the first occurrence of a name wins, across headers too", () => {
    expect({ ...parseCookies(["a=1; a=2", "a=3"]) }).toEqual({ a: "1" });
  });

  test("quoted values lose their quotes; whitespace around names and values goes", () => {
    expect({ ...parseCookies('  a = "quoted value" ;b="";c="') }).toEqual({ a: "quoted value", b: "", c: '"' });
  });

  test("bad pairs are skipped and RFC 2965 $attributes ignored", () => {
    expect({ ...parseCookies("novalue; =nameless; $Version=1; ok=1; $Path=/") }).toEqual({ ok: "1" });
  });

  test("missing or empty headers give an empty result and nothing throws", () => {
    expect({ ...parseCookies(undefined) }).toEqual({});
    expect({ ...parseCookies("") }).toEqual({});
    expect({ ...parseCookies([]) }).toEqual({});
    expect({ ...parseCookies([undefined as unknown as string, ";;;"]) }).toEqual({});
  });

  test("prototype names are plain keys and cannot pollute", () => {
    const cookies = parseCookies("__proto__=x; constructor=y; hasOwnProperty=z");
    expect(Object.getPrototypeOf(cookies)).toBeNull();
    expect(Object.keys(cookies)).toEqual(["__proto__", "constructor", "hasOwnProperty"]);
    expect(cookies["__proto__"]).toBe("x");
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
