import { createHash, randomBytes } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { text as streamText } from "node:stream/consumers";

import { ErrorCode } from "../../platform/errors";
import { FieldStorage, FileField } from "../../platform/forms";
import { chunksOf, filePart, multipartBody, type Part, parse, splitAt, textPart, useTmpDir } from "./form-helpers";

const tmp = useTmpDir();
const md5 = (data: Buffer): string => createHash("md5").update(data).digest("hex");

/** The upstream F2 boundary: quoted, and full of "=". */
const BOUNDARY = "===============8937498234==";
const CONTENT_TYPE = `multipart/form-data; boundary="${BOUNDARY}"`;

/** mod_python F2's body: a folded Content-Disposition on a text part, then the file. */
function uploadBody(file: Buffer): Buffer {
  return multipartBody(BOUNDARY, [
    { headers: ["Content-Type: text/plain", "Content-Disposition: form-data;\r\n name=\"test\""], body: "abcd" },
    filePart("testfile", "test.txt", file),
  ]);
}

async function uploadedFile(chunks: Buffer[]): Promise<{ form: FieldStorage; file: FileField }> {
  const form = await parse(tmp.path, { contentType: CONTENT_TYPE, chunks });
  const file = form.getfirst("testfile");
  if (!(file instanceof FileField)) throw new Error("testfile is not an upload");
  return { form, file };
}

/** Split offsets near each of `points` (within `radius`), one split per run. */
function offsetsAround(points: number[], radius: number): number[] {
  const offsets = new Set<number>();
  for (const p of points) for (let d = -radius; d <= radius; d++) offsets.add(p + d);
  return [...offsets].filter((o) => o > 0).sort((a, b) => a - b);
}

describe("F2: binary upload", () => {
  test("1 MiB of random bytes arrives byte-exact, beside a folded-header text part", async () => {
    const data = randomBytes(1024 * 1024);
    const { form, file } = await uploadedFile(chunksOf(uploadBody(data), 64 * 1024));
    expect(form.getfirst("test")).toBe("abcd");
    expect(md5(readFileSync(file.path))).toBe(md5(data));
    expect(file).toMatchObject({ name: "testfile", filename: "test.txt", type: "application/octet-stream", size: data.length });
    await form.dispose();
  });

  test("the same body in odd chunk sizes gives the same file", async () => {
    const data = randomBytes(200 * 1024);
    for (const size of [1000, 16383, 16384, 65368, 65537]) {
      const { form, file } = await uploadedFile(chunksOf(uploadBody(data), size));
      expect(md5(readFileSync(file.path))).toBe(md5(data));
      await form.dispose();
    }
    expect(tmp.files()).toEqual([]);
  });
});

describe("F3/F4: CR and CRLF at buffer edges", () => {
  const a100 = "a".repeat(100);
  const cases: Array<[string, Buffer]> = [
    ["F3: a lone CR inside a long line", Buffer.from(`${a100}\r\n${"b".repeat(65367)}\rccc${"d".repeat(100)}\r\n`)],
    ["F4a: no final newline", Buffer.from(`${a100}\r\n${"b".repeat(65367)}`)],
    ["F4b: a trailing CR", Buffer.from(`${a100}\r\n${"b".repeat(65367)}\r`)],
    ["a trailing CRLF", Buffer.from(`${a100}\r\n${"b".repeat(65367)}\r\n`)],
    ["lines that begin like the delimiter", Buffer.from(`x\r\n--${BOUNDARY.slice(0, -1)}\r\n-\r\n--\r`)],
  ];

  test.each(cases)("%s: every split near a CR or the delimiter keeps the file exact", async (_label, data) => {
    const body = uploadBody(data);
    const fileStart = body.indexOf(data);
    const fileEnd = fileStart + data.length;
    const crs: number[] = [];
    for (let i = data.indexOf(13); i >= 0; i = data.indexOf(13, i + 1)) crs.push(fileStart + i);
    // Each CR, the file's end (where the CRLF of the closing delimiter begins), and the
    // busboy-independent edges mod_python and stream buffers have.
    const offsets = offsetsAround([...crs, fileEnd, fileEnd + BOUNDARY.length + 4], 3);
    for (const edge of [16384, 65368, 65536]) offsets.push(edge - 1, edge, edge + 1);
    for (const offset of offsets) {
      const { form, file } = await uploadedFile(splitAt(body, [offset]));
      expect([offset, file.size, md5(readFileSync(file.path))]).toEqual([offset, data.length, md5(data)]);
      await form.dispose();
    }
  });

  test("a body fed one byte at a time keeps every CR", async () => {
    const data = Buffer.from(`x\r\ry\r\n\r\nz\r`);
    const { form, file } = await uploadedFile(chunksOf(uploadBody(data), 1));
    expect(readFileSync(file.path)).toEqual(data);
    expect(form.getfirst("test")).toBe("abcd");
    await form.dispose();
  });
});

describe("uploads", () => {
  const boundary = "xyz";
  const contentType = `multipart/form-data; boundary=${boundary}`;

  test("are private temporary files in tmpDir, readable by stream() and text()", async () => {
    const form = await parse(tmp.path, {
      contentType,
      chunks: [multipartBody(boundary, [filePart("doc", "notes.txt", "héllo\r\nworld", "text/plain; charset=utf-8")])],
    });
    const file = form.getfirst("doc") as FileField;
    expect(file.type).toBe("text/plain");
    expect(dirname(file.path)).toBe(tmp.path);
    expect(statSync(file.path).mode & 0o777).toBe(0o600);
    expect(await file.text()).toBe("héllo\r\nworld");
    expect(await streamText(file.stream())).toBe("héllo\r\nworld");
    expect(await streamText(file.stream())).toBe("héllo\r\nworld");
    await form.dispose();
  });

  test("get unguessable, distinct names", async () => {
    const form = await parse(tmp.path, {
      contentType,
      chunks: [multipartBody(boundary, [filePart("a", "same.txt", "1"), filePart("a", "same.txt", "2")])],
    });
    const [one, two] = form.getlist("a") as FileField[];
    expect(one.path).not.toBe(two.path);
    expect(one.path).toMatch(/tsmod-upload-[0-9a-f]{32}$/);
    expect(await one.text()).toBe("1");
    expect(await two.text()).toBe("2");
    await form.dispose();
  });

  // Browsers send filename="" for a file input left empty; busboy reports no filename.
  test("an empty file input and a part with no filename but octet-stream are uploads too", async () => {
    const form = await parse(tmp.path, {
      contentType,
      chunks: [
        multipartBody(boundary, [
          filePart("empty", "", ""),
          { headers: ['Content-Disposition: form-data; name="blob"', "Content-Type: application/octet-stream"], body: "xyz" },
        ]),
      ],
    });
    expect(form.getfirst("empty")).toMatchObject({ filename: undefined, size: 0 });
    expect(form.getfirst("blob")).toMatchObject({ filename: undefined, size: 3 });
    await form.dispose();
  });

  test("file names lose any directory part", async () => {
    const form = await parse(tmp.path, {
      contentType,
      chunks: [multipartBody(boundary, [filePart("f", "C:\\\\Users\\\\me\\\\..\\\\evil.txt", "x"), filePart("g", "../../etc/passwd", "y")])],
    });
    expect((form.getfirst("f") as FileField).filename).toBe("evil.txt");
    expect((form.getfirst("g") as FileField).filename).toBe("passwd");
    await form.dispose();
  });

  test("multipart text fields keep their order among files and honour keepBlank", async () => {
    const parts: Part[] = [textPart("a", "1"), textPart("blank", ""), filePart("f", "f.bin", "x"), textPart("a", "2")];
    const form = await parse(tmp.path, { contentType, chunks: [multipartBody(boundary, parts)] });
    expect(form.list.map((e) => e.name)).toEqual(["a", "f", "a"]);
    await form.dispose();
    const kept = await parse(tmp.path, { contentType, chunks: [multipartBody(boundary, parts)], keepBlank: true });
    expect(kept.getlist("blank")).toEqual([""]);
    await kept.dispose();
  });
});

describe("charsets of multipart data", () => {
  const boundary = "cs";
  const contentType = `multipart/form-data; boundary=${boundary}`;
  const latin1 = (s: string): Buffer => Buffer.from(s, "latin1");

  test("UTF-8 is the default for values, names and file names", async () => {
    const form = await parse(tmp.path, {
      contentType,
      chunks: [multipartBody(boundary, [textPart("prénom", "Zoë"), filePart("f", "résumé.txt", "x")])],
    });
    expect(form.getfirst("prénom")).toBe("Zoë");
    expect((form.getfirst("f") as FileField).filename).toBe("résumé.txt");
    await form.dispose();
  });

  test("a trailing _charset_ field decodes the fields before it", async () => {
    const parts: Part[] = [
      { headers: ['Content-Disposition: form-data; name="\u00e9"'], headerEncoding: "latin1", body: latin1("\u00e9t\u00e9") },
      { headers: ['Content-Disposition: form-data; name="f"; filename="\u00e9.txt"'], headerEncoding: "latin1", body: "x" },
      textPart("_charset_", "ISO-8859-1"),
    ];
    const form = await parse(tmp.path, { contentType, chunks: [multipartBody(boundary, parts)] });
    expect(form.getfirst("é")).toBe("été");
    expect((form.getfirst("f") as FileField).filename).toBe("é.txt");
    await form.dispose();
  });

  test("a part's own charset wins over the form's", async () => {
    const parts: Part[] = [
      textPart("_charset_", "Shift_JIS"),
      textPart("sjis", Buffer.from([0x82, 0xa0])),
      textPart("utf8", "é", ["Content-Type: text/plain; charset=UTF-8"]),
      textPart("latin", latin1("\u00e9"), ["Content-Type: text/plain; charset=iso-8859-1"]),
    ];
    const form = await parse(tmp.path, { contentType, chunks: [multipartBody(boundary, parts)] });
    expect(form.getfirst("sjis")).toBe("あ");
    expect(form.getfirst("utf8")).toBe("é");
    expect(form.getfirst("latin")).toBe("é");
  });

  test("an RFC 5987 filename* is already decoded and is not decoded again", async () => {
    const parts: Part[] = [
      { headers: ["Content-Disposition: form-data; name=\"f\"; filename*=UTF-8''%C3%A9t%C3%A9.txt"], body: "x" },
    ];
    const form = await parse(tmp.path, { contentType, chunks: [multipartBody(boundary, parts)] });
    expect((form.getfirst("f") as FileField).filename).toBe("été.txt");
    await form.dispose();
  });

  test("charset handling survives any split of the body", async () => {
    const parts: Part[] = [
      { headers: ['Content-Disposition: form-data; name="v"'], body: latin1("caf\u00e9") },
      textPart("u", "é", ["Content-Type: text/plain;\r\n charset=utf-8"]),
      textPart("_charset_", "latin1"),
    ];
    const body = multipartBody(boundary, parts);
    for (let offset = 1; offset < body.length; offset++) {
      const form = await parse(tmp.path, { contentType, chunks: splitAt(body, [offset]) });
      expect([offset, form.getfirst("v"), form.getfirst("u")]).toEqual([offset, "café", "é"]);
    }
  });

  test("a part in a charset busboy cannot decode is a 415 naming it", async () => {
    const parts = [textPart("x", Buffer.from([0x82, 0xa0]), ["Content-Type: text/plain; charset=Shift_JIS"])];
    await expect(parse(tmp.path, { contentType, chunks: [multipartBody(boundary, parts)] })).rejects.toMatchObject({
      code: ErrorCode.FORM_UNSUPPORTED_TYPE,
      status: 415,
      message: expect.stringMatching(/shift_jis/i),
    });
  });
});

describe("malformed multipart bodies", () => {
  const boundary = "mal";
  const contentType = `multipart/form-data; boundary=${boundary}`;

  test.each<[string, Buffer]>([
    ["no closing delimiter", Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="a"\r\n\r\ndata`)],
    ["a part header without a colon", Buffer.from(`--${boundary}\r\nnonsense\r\n\r\nx\r\n--${boundary}--\r\n`)],
    ["no delimiter at all", Buffer.from("just some bytes")],
    ["an empty body", Buffer.alloc(0)],
  ])("%s is a 400 and leaves no temporary file", async (_label, body) => {
    await expect(parse(tmp.path, { contentType, chunks: [body] })).rejects.toMatchObject({
      code: ErrorCode.FORM_MALFORMED,
      status: 400,
    });
    expect(tmp.files()).toEqual([]);
  });

  test.each([
    ["with its Content-Length", (body: Buffer) => body.length],
    ["chunked", () => null],
  ])("a body that ends inside a file part (%s) is refused at once, saying so", async (_label, length) => {
    const body = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="a"\r\n\r\nAAAA`);
    await expect(parse(tmp.path, { contentType, chunks: [body], contentLength: length(body) })).rejects.toMatchObject({
      code: ErrorCode.FORM_MALFORMED,
      status: 400,
      message: "malformed multipart body: it ended before its closing delimiter",
    });
    expect(tmp.files()).toEqual([]);
  });

  // busboy went on parsing after the closing delimiter within a chunk, and a file part it
  // opened there waited for an end that never came, holding its temporary file.
  const lateParts =
    `--${boundary}\r\nContent-Disposition: form-data; name="late"\r\n\r\nv\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="a"\r\n\r\nAAAA`;

  test.each([1, 2, 5, 64, 1000])("parts after the closing delimiter are epilogue, ignored in %i-byte chunks", async (size) => {
    const body = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="ok"\r\n\r\nyes\r\n--${boundary}--\r\n${lateParts}`);
    const form = await parse(tmp.path, { contentType, chunks: chunksOf(body, size) });
    expect(form.list).toEqual([{ name: "ok", value: "yes" }]);
    expect(tmp.files()).toEqual([]);
  }, 5000);

  test("a body that begins with the closing delimiter is an empty form, whatever follows it", async () => {
    const body = Buffer.from(`--${boundary}--\r\n${lateParts}`);
    const form = await parse(tmp.path, { contentType, chunks: [body] });
    expect(form.list).toEqual([]);
    expect(tmp.files()).toEqual([]);
  }, 5000);

  test("parts without a form-data disposition are skipped, as busboy does", async () => {
    const body = Buffer.from(
      `--${boundary}\r\nContent-Type: text/plain\r\n\r\norphan\r\n` +
        `--${boundary}\r\nContent-Disposition: attachment; name="x"\r\n\r\nno\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="ok"\r\n\r\nyes\r\n--${boundary}--\r\n`,
    );
    const form = await parse(tmp.path, { contentType, chunks: [body] });
    expect(form.list).toEqual([{ name: "ok", value: "yes" }]);
  });
});
