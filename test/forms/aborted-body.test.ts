import { Readable } from "node:stream";

import { ErrorCode, TsmodError } from "../../platform/errors";
import { DEFAULT_FORM_LIMITS, parseForm } from "../../platform/forms";
import { waitFor } from "../helpers/site";
import { chunksOf, filePart, multipartBody, useTmpDir } from "./form-helpers";

const tmp = useTmpDir();
const boundary = "abort";
const MULTIPART = `multipart/form-data; boundary=${boundary}`;
const upload = multipartBody(boundary, [filePart("f", "big.bin", Buffer.alloc(256 * 1024, 9))]);

/**
 * A body that sends `good` chunks, then waits until the first upload file exists (so the abort
 * really happens mid-upload), then `end`s it its own way.
 */
function failingBody(chunks: Buffer[], good: number, end: (stream: Readable) => void): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent < good) this.push(chunks[sent++]);
      else {
        waitFor(() => tmp.files().length > 0).then(
          () => end(this),
          (err: Error) => this.destroy(new Error(`the upload never began: ${err.message}`)),
        );
      }
    },
  });
}

/** `contentLength` null: a chunked body. */
function parseBody(body: Readable, contentType = MULTIPART, contentLength: number | null = upload.length) {
  return parseForm(
    { query: null, contentType, contentLength: contentLength ?? undefined, body },
    { tmpDir: tmp.path, limits: DEFAULT_FORM_LIMITS },
  );
}

test("a body that errors mid-upload rejects with 400 and leaves no temporary file", async () => {
  const body = failingBody(chunksOf(upload, 16 * 1024), 4, (s) => s.destroy(new Error("ECONNRESET")));
  await expect(parseBody(body)).rejects.toMatchObject({
    code: ErrorCode.BODY_ABORTED,
    status: 400,
    message: expect.stringContaining("ECONNRESET"),
  });
  expect(tmp.files()).toEqual([]);
});

test("a body destroyed without an error (a client abort) rejects the same way", async () => {
  const body = failingBody(chunksOf(upload, 16 * 1024), 4, (s) => s.destroy());
  await expect(parseBody(body)).rejects.toMatchObject({ code: ErrorCode.BODY_ABORTED, status: 400 });
  expect(tmp.files()).toEqual([]);
});

test("the parser never destroys the request body itself", async () => {
  const body = Readable.from([Buffer.from("x")]);
  await expect(parseBody(body, "application/json")).rejects.toMatchObject({ status: 415 });
  const limited = Readable.from(chunksOf(upload, 1024));
  await expect(
    parseForm(
      { query: null, contentType: MULTIPART, contentLength: undefined, body: limited },
      { tmpDir: tmp.path, limits: { ...DEFAULT_FORM_LIMITS, maxFileSize: 10 } },
    ),
  ).rejects.toMatchObject({ status: 413 });
  expect(limited.destroyed).toBe(false);
});

test("a body that ends before its Content-Length rejects with 400 instead of hanging", async () => {
  const half = upload.subarray(0, upload.length / 2);
  await expect(parseBody(Readable.from([half]))).rejects.toMatchObject({
    code: ErrorCode.BODY_ABORTED,
    status: 400,
    message: expect.stringContaining(`of ${upload.length} bytes`),
  });
  expect(tmp.files()).toEqual([]);
});

test("a chunked multipart body that simply stops is malformed, not a hang", async () => {
  const half = upload.subarray(0, upload.length / 2);
  await expect(parseBody(Readable.from([half]), MULTIPART, null)).rejects.toMatchObject({
    code: ErrorCode.FORM_MALFORMED,
    status: 400,
  });
  expect(tmp.files()).toEqual([]);
});

test("a body one byte short of its Content-Length is cut off; one byte over is malformed", async () => {
  await expect(parseBody(Readable.from([upload.subarray(0, -1)]))).rejects.toMatchObject({
    code: ErrorCode.BODY_ABORTED,
    message: `the request body ended after ${upload.length - 1} of ${upload.length} bytes`,
  });
  await expect(parseBody(Readable.from([upload]), MULTIPART, upload.length - 1)).rejects.toMatchObject({
    code: ErrorCode.FORM_MALFORMED,
    message: `the request body is longer than its Content-Length (${upload.length - 1})`,
  });
  expect(tmp.files()).toEqual([]);
});

test("a body longer than its Content-Length is malformed", async () => {
  await expect(parseBody(Readable.from([upload]), MULTIPART, 100)).rejects.toMatchObject({
    code: ErrorCode.FORM_MALFORMED,
    status: 400,
  });
  expect(tmp.files()).toEqual([]);
});

test("a body that was already read to its end settles at once", async () => {
  const body = Readable.from([Buffer.from("a=1")]);
  body.resume();
  await new Promise((resolve) => body.once("end", resolve));
  const form = await parseBody(body, "application/x-www-form-urlencoded", null);
  expect(form.list).toEqual([]);
  await expect(parseBody(body, "application/x-www-form-urlencoded", 3)).rejects.toMatchObject({ status: 400 });
});

test("an unwritable tmpDir fails the parse and leaves nothing behind", async () => {
  const missing = `${tmp.path}/does-not-exist`;
  await expect(
    parseForm(
      { query: null, contentType: MULTIPART, contentLength: upload.length, body: Readable.from([upload]) },
      { tmpDir: missing, limits: DEFAULT_FORM_LIMITS },
    ),
  ).rejects.toMatchObject({ code: "ENOENT" });
  expect(tmp.files()).toEqual([]);
});

describe("a stalled body", () => {
  /** Sends `chunks`, then neither data nor end: a client gone quiet. `drained` once all were read. */
  function stalledBody(chunks: Buffer[]): Readable & { drained(): boolean } {
    let sent = 0;
    const body = new Readable({
      read() {
        if (sent < chunks.length) this.push(chunks[sent++]);
      },
    });
    return Object.assign(body, { drained: () => sent === chunks.length && body.readableLength === 0 });
  }

  test.each([
    ["multipart, mid-upload", MULTIPART, chunksOf(upload, 16 * 1024).slice(0, 4)],
    ["urlencoded", "application/x-www-form-urlencoded", [Buffer.from("a=1&b=")]],
  ])("%s: aborting the signal rejects with its reason and leaves no file", async (_label, contentType, chunks) => {
    const controller = new AbortController();
    const timeout = new TsmodError(ErrorCode.BODY_TIMEOUT, "body timed out", 408);
    const body = stalledBody(chunks);
    const parsing = parseForm(
      { query: null, contentType, contentLength: undefined, body },
      { tmpDir: tmp.path, limits: DEFAULT_FORM_LIMITS, signal: controller.signal },
    );
    // Everything was sent and taken, and the upload has begun: the parser now waits on the client.
    await waitFor(() => body.drained() && (contentType !== MULTIPART || tmp.files().length === 1));
    controller.abort(timeout);
    await expect(parsing).rejects.toBe(timeout);
    expect(tmp.files()).toEqual([]);
    expect(body.destroyed).toBe(false);
  });

  test("an already aborted signal rejects at once", async () => {
    const controller = new AbortController();
    controller.abort(new Error("gone"));
    await expect(
      parseForm(
        { query: null, contentType: MULTIPART, contentLength: undefined, body: stalledBody([]) },
        { tmpDir: tmp.path, limits: DEFAULT_FORM_LIMITS, signal: controller.signal },
      ),
    ).rejects.toThrow("gone");
  });
});
