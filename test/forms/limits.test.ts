import { Readable } from "node:stream";

import { ErrorCode, TsmodError } from "../../platform/errors";
import { DEFAULT_FORM_LIMITS, FormLimitError, type FormLimits, parseForm } from "../../platform/forms";
import { chunksOf, filePart, multipartBody, type ParseRequest, parse, textPart, useTmpDir } from "./form-helpers";

const tmp = useTmpDir();
const boundary = "lim";
const MULTIPART = `multipart/form-data; boundary=${boundary}`;
const URLENCODED = "application/x-www-form-urlencoded";

/** Parses, expects the 413 for `limit` with `max` in its message, and no file left behind. */
async function expectLimit(req: ParseRequest, limit: keyof FormLimits, max: number): Promise<void> {
  const err = await parse(tmp.path, req).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(FormLimitError);
  expect(err).toBeInstanceOf(TsmodError);
  expect(err).toMatchObject({ code: ErrorCode.FORM_TOO_LARGE, status: 413, limit, max });
  expect((err as Error).message).toContain(`${limit} (${max})`);
  expect(tmp.files()).toEqual([]);
}

test("the defaults are finite and keep text in memory bounded", () => {
  for (const value of Object.values(DEFAULT_FORM_LIMITS)) expect(Number.isFinite(value)).toBe(true);
  expect(DEFAULT_FORM_LIMITS.maxFields * DEFAULT_FORM_LIMITS.maxFieldSize).toBeLessThanOrEqual(64 * 1024 * 1024);
  expect(Object.isFrozen(DEFAULT_FORM_LIMITS)).toBe(true);
});

describe("maxFields", () => {
  const limits = { maxFields: 3 };

  test("allows exactly the limit", async () => {
    const form = await parse(tmp.path, { query: "a=1", contentType: URLENCODED, chunks: [Buffer.from("b=2&c=3")], limits });
    expect(form.keys()).toEqual(["a", "b", "c"]);
  });

  test("counts query and urlencoded body together", async () => {
    await expectLimit({ query: "a=1&b=2", contentType: URLENCODED, chunks: [Buffer.from("c=3&d=4")], limits }, "maxFields", 3);
  });

  test("counts blank fields even though they are dropped", async () => {
    await expectLimit({ query: "a=&b=&c=&d=", limits }, "maxFields", 3);
  });

  test("allows exactly the limit in a multipart body, the query's fields included", async () => {
    const body = multipartBody(boundary, [filePart("f", "f.bin", "data"), textPart("b", "v"), textPart("c", "v")]);
    const form = await parse(tmp.path, { query: "a=1", contentType: MULTIPART, chunks: [body], limits });
    expect(form.keys()).toEqual(["a", "f", "b", "c"]);
    await form.dispose();
  });

  test("applies to multipart text fields, after files already written", async () => {
    const body = multipartBody(boundary, [filePart("f", "f.bin", "data"), ...["a", "b", "c"].map((n) => textPart(n, "v"))]);
    await expectLimit({ query: "q=1", contentType: MULTIPART, chunks: [body], limits }, "maxFields", 3);
  });
});

describe("maxFieldSize", () => {
  const limits = { maxFieldSize: 8 };

  test("allows a value of exactly the limit, counted after decoding", async () => {
    const form = await parse(tmp.path, { contentType: URLENCODED, chunks: [Buffer.from("v=%41%42%43%44%45%46%47%48")], limits });
    expect(form.getfirst("v")).toBe("ABCDEFGH");
  });

  test("rejects a longer urlencoded value, naming the field", async () => {
    await expectLimit({ contentType: URLENCODED, chunks: chunksOf(Buffer.from("big=123456789"), 2), limits }, "maxFieldSize", 8);
    const err = await parse(tmp.path, { contentType: URLENCODED, chunks: [Buffer.from("big=123456789")], limits }).catch((e) => e);
    expect(err.message).toContain('"big"');
  });

  test("rejects a longer name, and applies to the query string", async () => {
    await expectLimit({ query: "abcdefghi=1", limits }, "maxFieldSize", 8);
  });

  test("rejects a longer multipart text value", async () => {
    const body = multipartBody(boundary, [filePart("f", "f.bin", "x"), textPart("t", "123456789")]);
    await expectLimit({ contentType: MULTIPART, chunks: [body], limits }, "maxFieldSize", 8);
  });

  test("bounds a multipart field's name too: exactly the limit is fine, one byte more is not", async () => {
    const form = await parse(tmp.path, { contentType: MULTIPART, chunks: [multipartBody(boundary, [textPart("12345678", "v")])], limits });
    expect(form.getfirst("12345678")).toBe("v");
    await expectLimit({ contentType: MULTIPART, chunks: [multipartBody(boundary, [textPart("123456789", "v")])], limits }, "maxFieldSize", 8);
  });

  test("allows an exactly-full multipart text value", async () => {
    const form = await parse(tmp.path, { contentType: MULTIPART, chunks: [multipartBody(boundary, [textPart("t", "12345678")])], limits });
    expect(form.getfirst("t")).toBe("12345678");
  });
});

describe("maxFileSize", () => {
  const limits = { maxFileSize: 1000 };

  test("allows a file of exactly the limit", async () => {
    const form = await parse(tmp.path, {
      contentType: MULTIPART,
      chunks: [multipartBody(boundary, [filePart("f", "f.bin", Buffer.alloc(1000, 7))])],
      limits,
    });
    expect(form.getfirst("f")).toMatchObject({ size: 1000 });
    await form.dispose();
  });

  test("rejects one byte more and removes the partial file", async () => {
    const body = multipartBody(boundary, [filePart("ok", "ok.bin", "fine"), filePart("f", "f.bin", Buffer.alloc(1001, 7))]);
    await expectLimit({ contentType: MULTIPART, chunks: chunksOf(body, 100), limits }, "maxFileSize", 1000);
  });
});

describe("maxFiles", () => {
  test("rejects one file too many and removes those written", async () => {
    const body = multipartBody(boundary, [1, 2, 3].map((n) => filePart(`f${n}`, `${n}.bin`, Buffer.alloc(5000, n))));
    await expectLimit({ contentType: MULTIPART, chunks: chunksOf(body, 1024), limits: { maxFiles: 2 } }, "maxFiles", 2);
  });

  test("allows exactly the limit", async () => {
    const body = multipartBody(boundary, [1, 2].map((n) => filePart(`f${n}`, `${n}.bin`, "x")));
    const form = await parse(tmp.path, { contentType: MULTIPART, chunks: [body], limits: { maxFiles: 2 } });
    expect(form.list).toHaveLength(2);
    await form.dispose();
  });
});

describe("maxBodySize", () => {
  const limits = { maxBodySize: 4096 };
  const big = multipartBody(boundary, [filePart("f", "f.bin", Buffer.alloc(8000, 1))]);

  test("a declared Content-Length over the limit is refused before reading", async () => {
    let reads = 0;
    const body = new Readable({
      read() {
        reads++;
        this.push(null);
      },
    });
    const input = { query: null, contentType: URLENCODED, contentLength: 1_000_000, body };
    await expect(parseForm(input, { tmpDir: tmp.path, limits: { ...DEFAULT_FORM_LIMITS, ...limits } })).rejects.toMatchObject({
      limit: "maxBodySize",
      status: 413,
    });
    expect(reads).toBe(0);
  });

  test("a declared Content-Length one byte over the limit is refused before reading too", async () => {
    let reads = 0;
    const body = new Readable({
      read() {
        reads++;
        this.push(Buffer.alloc(4097, "a"));
        this.push(null);
      },
    });
    const input = { query: null, contentType: URLENCODED, contentLength: 4097, body };
    await expect(parseForm(input, { tmpDir: tmp.path, limits: { ...DEFAULT_FORM_LIMITS, ...limits } })).rejects.toMatchObject({
      limit: "maxBodySize",
      message: "a request body of 4097 bytes exceeds maxBodySize (4096)",
    });
    expect(reads).toBe(0);
  });

  test("a chunked multipart body is cut off once it passes the limit", async () => {
    await expectLimit({ contentType: MULTIPART, chunks: chunksOf(big, 512), contentLength: null, limits }, "maxBodySize", 4096);
  });

  test("a chunked urlencoded body is cut off too", async () => {
    const body = Buffer.from(`a=${"x".repeat(5000)}`);
    await expectLimit(
      { contentType: URLENCODED, chunks: chunksOf(body, 512), contentLength: null, limits: { ...limits, maxFieldSize: 10_000 } },
      "maxBodySize",
      4096,
    );
  });

  test("a body of exactly the limit is read", async () => {
    const body = Buffer.from(`a=${"x".repeat(4094)}`);
    const form = await parse(tmp.path, { contentType: URLENCODED, chunks: [body], limits: { ...limits, maxFieldSize: 4096 } });
    expect((form.getfirst("a") as string).length).toBe(4094);
  });

  test.each([
    ["exactly the limit is read", 4094, null],
    ["one byte more is cut off", 4095, "the request body exceeds maxBodySize (4096)"],
  ])("a chunked body (no Content-Length) of %s", async (_label, valueLength, refusal) => {
    const req = { contentType: URLENCODED, chunks: chunksOf(Buffer.from(`a=${"x".repeat(valueLength)}`), 1000), contentLength: null, limits: { ...limits, maxFieldSize: 8192 } };
    if (refusal === null) expect(((await parse(tmp.path, req)).getfirst("a") as string).length).toBe(valueLength);
    else await expect(parse(tmp.path, req)).rejects.toMatchObject({ limit: "maxBodySize", message: refusal });
  });
});
