import { DEFAULT_FORM_LIMITS, parseForm, type FormLimits } from "../../platform/forms";
import { plainQueryFields } from "../../platform/forms/plain-query";
import { decodeEntries } from "../../platform/forms/raw-entry";
import { UrlencodedReader } from "../../platform/forms/urlencoded-reader";

/** The full byte-level reader's answer, for comparison. */
function viaReader(query: string, limits: FormLimits, keepBlank: boolean) {
  const reader = new UrlencodedReader(limits, 0);
  reader.write(Buffer.from(query, "utf8"));
  return decodeEntries(reader.end(), "utf-8", keepBlank).map((f) => ["value" in f ? f.name : "", "value" in f ? f.value : ""]);
}

const QUERIES = [
  ...["", "a", "a=", "=b", "a=1", "a=1&b=2", "a=1;b=2", "a=1&&b=2", "a==b", "a=1&", "&a=1", "a=1&a=2&a=", "x=y=z", "a&b"],
  ...["name=bob&n=3", "k=~!$'()*,:@/?"],
  ...["a=%41", "a=b+c", "a+b=c+d", "a=%2B+%2b", "%3D=%26&b=%3B", "a=%20", "a=%00", "a=%EF%BB%BFbom", "a=caf%C3%A9", "e=%F0%9F%98%80"],
  ...["name=" + encodeURIComponent('<script>alert("x")</script>'), "a=%25&b=%2525", "a=+", "a=%41%42;c=%43"],
];

describe("plain query strings take the fast path with the reader's exact result", () => {
  test.each(QUERIES.flatMap((q) => [[q, false] as const, [q, true] as const]))("%j keepBlank=%s", (query, keepBlank) => {
    const fast = plainQueryFields(query, DEFAULT_FORM_LIMITS, keepBlank, "utf-8");
    expect(fast).not.toBeNull();
    expect(fast!.fields.map((f) => [f.name, f.value])).toEqual(viaReader(query, DEFAULT_FORM_LIMITS, keepBlank));
  });

  test.each(["a=é", "_charset_=latin1&a=b", "%5Fcharset%5F=latin1&a=b", "a=b c", "a=%FF", "a=%4", "a=%zz", "a=%C0%80", "a=%ED%A0%80", "a=%E2%82"])(
    "%j is not plain ASCII with UTF-8 escapes (or names a charset): no fast path",
    (query) => {
      expect(plainQueryFields(query, DEFAULT_FORM_LIMITS, false, "utf-8")).toBeNull();
    },
  );

  test("escapes in a form read in another charset go to the reader; unescaped text does not", () => {
    expect(plainQueryFields("a=%E9", DEFAULT_FORM_LIMITS, false, "windows-1252")).toBeNull();
    expect(plainQueryFields("a=b+c", DEFAULT_FORM_LIMITS, false, "windows-1252")?.fields).toEqual([{ name: "a", value: "b c" }]);
  });

  test("exactly at every limit the fast path still answers", () => {
    const limits = { ...DEFAULT_FORM_LIMITS, maxFields: 2, maxFieldSize: 3 };
    expect(plainQueryFields("abc=123&d=4", limits, false, "utf-8")).toEqual({
      fields: [
        { name: "abc", value: "123" },
        { name: "d", value: "4" },
      ],
      count: 2,
    });
  });

  test("at a limit the full reader decides (and words the error)", async () => {
    const limits = { ...DEFAULT_FORM_LIMITS, maxFields: 2, maxFieldSize: 3 };
    expect(plainQueryFields("a=1&b=2&c=3", limits, false, "utf-8")).toBeNull();
    expect(plainQueryFields("a=1234", limits, false, "utf-8")).toBeNull();
    expect(plainQueryFields("abcd=1", limits, false, "utf-8")).toBeNull();
    expect(plainQueryFields("a=%41%42", limits, false, "utf-8")).toBeNull();
    await expect(parseForm({ query: "a=1&b=2&c=3", contentType: undefined, contentLength: undefined, body: null }, { tmpDir: "/tmp", limits })).rejects.toThrow("the number of fields exceeds maxFields (2)");
  });
});
