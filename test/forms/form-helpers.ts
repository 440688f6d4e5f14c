import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";

import { DEFAULT_FORM_LIMITS, type FieldStorage, type FormInput, type FormLimits, parseForm } from "../../platform/forms";

export interface Part {
  headers: string[];
  /** How the header text becomes bytes; browsers use the form's charset, UTF-8 by default. */
  headerEncoding?: BufferEncoding;
  body: Buffer | string;
}

/** A multipart/form-data body, every line ending in CRLF as RFC 7578 requires. */
export function multipartBody(boundary: string, parts: Part[]): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n${part.headers.join("\r\n")}\r\n\r\n`, part.headerEncoding ?? "utf8"));
    chunks.push(typeof part.body === "string" ? Buffer.from(part.body, "utf8") : part.body);
    chunks.push(Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

export function textPart(name: string, value: string | Buffer, extraHeaders: string[] = []): Part {
  return { headers: [`Content-Disposition: form-data; name="${name}"`, ...extraHeaders], body: value };
}

export function filePart(name: string, filename: string, body: Buffer | string, type = "application/octet-stream"): Part {
  return {
    headers: [`Content-Disposition: form-data; name="${name}"; filename="${filename}"`, `Content-Type: ${type}`],
    body,
  };
}

/**
 * parseForm's input for one file part, "file" named "big.bin", whose `size` bytes of content
 * stream from `content` chunk by chunk, never held in memory as a whole.
 */
export function streamedUpload(boundary: string, size: number, content: () => Iterable<Buffer>): FormInput {
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n` +
      `Content-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const body = Readable.from(
    (function* () {
      yield head;
      yield* content();
      yield tail;
    })(),
  );
  return { query: null, contentType: `multipart/form-data; boundary=${boundary}`, contentLength: head.length + size + tail.length, body };
}

/** `body` cut at each of `offsets` (ascending). */
export function splitAt(body: Buffer, offsets: number[]): Buffer[] {
  const chunks: Buffer[] = [];
  let start = 0;
  for (const offset of offsets) {
    chunks.push(body.subarray(start, offset));
    start = offset;
  }
  chunks.push(body.subarray(start));
  return chunks.filter((c) => c.length > 0);
}

/** `body` in chunks of `size` bytes. */
export function chunksOf(body: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < body.length; i += size) chunks.push(body.subarray(i, i + size));
  return chunks;
}

/** A fresh temporary directory per test, removed afterwards; `files()` lists what is left in it. */
export function useTmpDir(): { readonly path: string; files(): string[] } {
  let dir = "";
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "tsmod-forms-test-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  return {
    get path() {
      return dir;
    },
    files: () => readdirSync(dir),
  };
}

export interface ParseRequest {
  query?: string | null;
  contentType?: string;
  contentLength?: number | null;
  chunks?: Buffer[];
  limits?: Partial<FormLimits>;
  defaultCharset?: string;
  keepBlank?: boolean;
}

/** parseForm over a body fed as `chunks`; Content-Length defaults to their total. */
export function parse(tmpDir: string, req: ParseRequest): Promise<FieldStorage> {
  const chunks = req.chunks;
  const total = chunks?.reduce((n, c) => n + c.length, 0);
  return parseForm(
    {
      query: req.query ?? null,
      contentType: req.contentType,
      contentLength: req.contentLength === null ? undefined : (req.contentLength ?? total),
      body: chunks ? Readable.from(chunks) : null,
    },
    {
      tmpDir,
      limits: { ...DEFAULT_FORM_LIMITS, ...req.limits },
      defaultCharset: req.defaultCharset,
      keepBlank: req.keepBlank,
    },
  );
}
