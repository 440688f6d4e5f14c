import { Readable } from "node:stream";

import { ErrorCode, TsmodError } from "../../platform/errors";
import { DEFAULT_FORM_LIMITS, FieldStorage, FileField, parseForm } from "../../platform/forms";
import { chunksOf, filePart, multipartBody, parse, textPart, useTmpDir } from "./form-helpers";

const URLENCODED = "application/x-www-form-urlencoded";
const tmp = useTmpDir();

function pairs(form: FieldStorage): Array<[string, unknown]> {
  return form.list.map((e) => [e.name, e instanceof FileField ? e : e.value]);
}

describe("urlencoded bodies", () => {
  test("F1: order and duplicates are kept, names and values are strings", async () => {
    const form = await parse(tmp.path, {
      contentType: URLENCODED,
      chunks: [Buffer.from("spam=1&spam=2&eggs=3&bacon=4")],
    });
    expect(pairs(form)).toEqual([
      ["spam", "1"],
      ["spam", "2"],
      ["eggs", "3"],
      ["bacon", "4"],
    ]);
  });

  test("query string fields come first, then body fields", async () => {
    const form = await parse(tmp.path, {
      query: "spam=q&x=y",
      contentType: URLENCODED,
      chunks: [Buffer.from("spam=b")],
    });
    expect(pairs(form)).toEqual([
      ["spam", "q"],
      ["x", "y"],
      ["spam", "b"],
    ]);
    expect(form.getlist("spam")).toEqual(["q", "b"]);
  });

  test("a body split into one-byte chunks parses the same, escapes included", async () => {
    const body = Buffer.from("a=%C3%A9t%C3%A9&b=x+y;c=%zz&d=1%2", "latin1");
    const form = await parse(tmp.path, { contentType: URLENCODED, chunks: chunksOf(body, 1) });
    expect(pairs(form)).toEqual([
      ["a", "été"],
      ["b", "x y"],
      ["c", "%zz"],
      ["d", "1%2"],
    ]);
  });

  test("no Content-Type with a body is read as urlencoded, as mod_python did", async () => {
    const form = await parse(tmp.path, { chunks: [Buffer.from("a=1")] });
    expect(pairs(form)).toEqual([["a", "1"]]);
  });

  test("blank values are dropped unless keepBlank", async () => {
    const chunks = [Buffer.from("a=&b=2")];
    expect(pairs(await parse(tmp.path, { contentType: URLENCODED, chunks }))).toEqual([["b", "2"]]);
    const kept = await parse(tmp.path, { contentType: URLENCODED, chunks: [Buffer.from("a=&b=2")], keepBlank: true });
    expect(pairs(kept)).toEqual([
      ["a", ""],
      ["b", "2"],
    ]);
  });

  test("a chunked body (no Content-Length) is read to its end", async () => {
    const form = await parse(tmp.path, {
      contentType: URLENCODED,
      contentLength: null,
      chunks: [Buffer.from("a=1&b"), Buffer.from("=2")],
    });
    expect(pairs(form)).toEqual([
      ["a", "1"],
      ["b", "2"],
    ]);
  });
});

describe("charsets of urlencoded data", () => {
  test("the Content-Type charset parameter decides", async () => {
    const form = await parse(tmp.path, {
      contentType: `${URLENCODED}; charset=ISO-8859-1`,
      chunks: [Buffer.from("name=Ren%E9")],
    });
    expect(form.getfirst("name")).toBe("René");
  });

  test("a _charset_ field decides when the Content-Type does not, wherever it comes", async () => {
    const form = await parse(tmp.path, {
      contentType: URLENCODED,
      chunks: [Buffer.from("name=%82%A0&_charset_=Shift_JIS")],
    });
    expect(form.getfirst("name")).toBe("あ");
    expect(form.getfirst("_charset_")).toBe("Shift_JIS");
  });

  test("the query string honours its own _charset_", async () => {
    const form = await parse(tmp.path, { query: "_charset_=ISO-8859-15&q=%A4" });
    expect(form.getfirst("q")).toBe("€");
  });

  test("defaultCharset applies when nothing is declared; an unknown _charset_ is ignored", async () => {
    const latin = await parse(tmp.path, { query: "q=%E9", defaultCharset: "latin1" });
    expect(latin.getfirst("q")).toBe("é");
    const unknown = await parse(tmp.path, { query: "_charset_=no-such-charset&q=%C3%A9" });
    expect(unknown.getfirst("q")).toBe("é");
  });

  test("an unknown Content-Type charset is a 415", async () => {
    await expect(
      parse(tmp.path, { contentType: `${URLENCODED}; charset=x-klingon`, chunks: [Buffer.from("a=1")] }),
    ).rejects.toMatchObject({ code: ErrorCode.FORM_UNSUPPORTED_TYPE, status: 415 });
  });

  test("an unknown defaultCharset is a programming error", async () => {
    await expect(parse(tmp.path, { query: "a=1", defaultCharset: "x-klingon" })).rejects.toThrow(RangeError);
  });
});

describe("requests without a form body", () => {
  test("GET/HEAD (body null) read only the query string", async () => {
    const form = await parse(tmp.path, { query: "a=1&b=2", contentType: "application/json" });
    expect(pairs(form)).toEqual([
      ["a", "1"],
      ["b", "2"],
    ]);
  });

  test("an empty body without Content-Type is no body", async () => {
    const form = await parse(tmp.path, { query: "a=1", contentLength: 0, chunks: [] });
    expect(pairs(form)).toEqual([["a", "1"]]);
  });

  test("no query and no body is an empty storage", async () => {
    const form = await parse(tmp.path, {});
    expect(form.list).toEqual([]);
    expect(form.keys()).toEqual([]);
  });
});

describe("content types that are not forms", () => {
  test.each(["application/json", "text/plain", "multipart/mixed; boundary=x"])(
    "%s is a 415 (mod_python answered 501)",
    async (contentType) => {
      const err = await parse(tmp.path, { contentType, chunks: [Buffer.from("{}")] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TsmodError);
      expect(err).toMatchObject({ code: ErrorCode.FORM_UNSUPPORTED_TYPE, status: 415 });
      expect((err as Error).message).toContain(contentType.split(";")[0]);
    },
  );

  test("multipart/form-data without a boundary is a 400", async () => {
    await expect(
      parse(tmp.path, { contentType: "multipart/form-data", chunks: [Buffer.from("--x--\r\n")] }),
    ).rejects.toMatchObject({ code: ErrorCode.FORM_MALFORMED, status: 400, message: expect.stringContaining("boundary") });
  });

  test("a malformed Content-Type is a 400", async () => {
    await expect(parse(tmp.path, { contentType: "not a type", chunks: [Buffer.from("a=1")] })).rejects.toMatchObject({
      code: ErrorCode.FORM_MALFORMED,
      status: 400,
    });
  });
});

describe("FieldStorage", () => {
  async function sample(): Promise<FieldStorage> {
    const boundary = "b0undary";
    return parse(tmp.path, {
      query: "a=1",
      contentType: `multipart/form-data; boundary=${boundary}`,
      chunks: [
        multipartBody(boundary, [textPart("b", "2"), filePart("f", "x.txt", "file text", "text/plain"), textPart("a", "3")]),
      ],
    });
  }

  test("getfirst, getlist, has, keys and iteration follow the field order", async () => {
    const form = await sample();
    expect(form.getfirst("a")).toBe("1");
    expect(form.getfirst("missing")).toBeUndefined();
    expect(form.getfirst("missing", "default")).toBe("default");
    expect(form.getlist("a")).toEqual(["1", "3"]);
    expect(form.getlist("missing")).toEqual([]);
    expect(form.has("f")).toBe(true);
    expect(form.has("missing")).toBe(false);
    expect(form.keys()).toEqual(["a", "b", "f"]);
    expect([...form].map((e) => e.name)).toEqual(["a", "b", "f", "a"]);
    expect(form.getfirst("f")).toBeInstanceOf(FileField);
    expect(form.getlist("f")[0]).toBe(form.list[2]);
    await form.dispose();
  });

  test("the list cannot be changed behind the storage's back", async () => {
    const form = await sample();
    expect(Object.isFrozen(form.list)).toBe(true);
    await form.dispose();
  });

  test("dispose removes every upload and may be called again", async () => {
    const form = await sample();
    expect(tmp.files()).toHaveLength(1);
    await form.dispose();
    expect(tmp.files()).toEqual([]);
    await expect(form.dispose()).resolves.toBeUndefined();
  });

  // Small forms are searched entry by entry, larger ones through an index: both answer alike.
  test.each([3, 8, 9, 40])("lookups in a form of %i fields (with duplicates) agree with its list", (size) => {
    const entries = Array.from({ length: size }, (_, i) => ({ name: `f${i % 3 === 2 ? i - 2 : i}`, value: String(i) }));
    const form = new FieldStorage(entries);
    for (const name of [...new Set(entries.map((e) => e.name)), "missing"]) {
      const values = entries.filter((e) => e.name === name).map((e) => e.value);
      expect(form.getfirst(name, "none")).toBe(values[0] ?? "none");
      expect(form.getlist(name)).toEqual(values);
      expect(form.has(name)).toBe(values.length > 0);
    }
    expect(form.keys()).toEqual([...new Set(entries.map((e) => e.name))]);
  });

  test("can be built from entries directly", () => {
    const form = new FieldStorage([{ name: "x", value: "1" }]);
    expect(form.getfirst("x")).toBe("1");
  });

  test("its list is frozen and a copy: neither the caller's array nor the list changes the other", () => {
    const entries = [{ name: "x", value: "1" }];
    const form = new FieldStorage(entries);
    entries.push({ name: "y", value: "2" });
    expect(form.has("y")).toBe(false);
    expect(Object.isFrozen(form.list)).toBe(true);
    expect(() => (form.list as { name: string; value: string }[]).push({ name: "z", value: "3" })).toThrow(TypeError);
    expect(form.list).toEqual([{ name: "x", value: "1" }]);
    expect([...form]).toEqual([{ name: "x", value: "1" }]);
  });
});

test("parseForm takes any readable stream as the body", async () => {
  const form = await parseForm(
    { query: null, contentType: URLENCODED, contentLength: undefined, body: Readable.from(["a=1&", "b=2"]) },
    { tmpDir: tmp.path, limits: DEFAULT_FORM_LIMITS },
  );
  expect(form.getlist("a")).toEqual(["1"]);
  expect(form.getfirst("b")).toBe("2");
});

test("Uint8Array and string chunks are read as bytes", async () => {
  const boundary = "u8";
  const body = multipartBody(boundary, [textPart("a", "1"), filePart("f", "f.txt", "data")]);
  const form = await parseForm(
    {
      query: null,
      contentType: `multipart/form-data; boundary=${boundary}`,
      contentLength: undefined,
      body: Readable.from([new Uint8Array(body.subarray(0, 30)), body.subarray(30).toString("latin1")]),
    },
    { tmpDir: tmp.path, limits: DEFAULT_FORM_LIMITS },
  );
  expect(form.getfirst("a")).toBe("1");
  expect(await (form.getfirst("f") as FileField).text()).toBe("data");
  await form.dispose();
});
