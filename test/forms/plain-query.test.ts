import { DEFAULT_FORM_LIMITS, parseForm, type FormLimits } from "../../platform/forms";
import { plainQueryFields } from "../../platform/forms/plain-query";

/** The full byte-level reader's answer, for comparison: a query with one escaped byte forces it. */
async function viaReader(query: string, limits: FormLimits, keepBlank: boolean) {
  const form = await parseForm({ query: query + "&zz%7A=1", contentType: undefined, contentLength: undefined, body: null }, { tmpDir: "/tmp", limits, keepBlank });
  return form.list.filter((f) => f.name !== "zzz").map((f) => ["value" in f ? f.name : "", "value" in f ? f.value : ""]);
}

const QUERIES = ["", "a", "a=", "=b", "a=1", "a=1&b=2", "a=1;b=2", "a=1&&b=2", "a==b", "a=1&", "&a=1", "a=1&a=2&a=", "x=y=z", "a&b", "name=bob&n=3", "k=~!$'()*,:@/?"];

describe("plain query strings take the fast path with the reader's exact result", () => {
  test.each(QUERIES.flatMap((q) => [[q, false] as const, [q, true] as const]))("%j keepBlank=%s", async (query, keepBlank) => {
    const fast = plainQueryFields(query, DEFAULT_FORM_LIMITS, keepBlank);
    expect(fast).not.toBeNull();
    expect(fast!.fields.map((f) => [f.name, f.value])).toEqual(await viaReader(query, DEFAULT_FORM_LIMITS, keepBlank));
  });

  test.each(["a=%41", "a=b+c", "a=é", "_charset_=latin1&a=b", "a=b c"])("%j needs decoding: no fast path", (query) => {
    expect(plainQueryFields(query, DEFAULT_FORM_LIMITS, false)).toBeNull();
  });

  test("at a limit the full reader decides (and words the error)", async () => {
    const limits = { ...DEFAULT_FORM_LIMITS, maxFields: 2, maxFieldSize: 3 };
    expect(plainQueryFields("a=1&b=2&c=3", limits, false)).toBeNull();
    expect(plainQueryFields("a=1234", limits, false)).toBeNull();
    expect(plainQueryFields("abcd=1", limits, false)).toBeNull();
    await expect(parseForm({ query: "a=1&b=2&c=3", contentType: undefined, contentLength: undefined, body: null }, { tmpDir: "/tmp", limits })).rejects.toThrow("the number of fields exceeds maxFields (2)");
  });
});
