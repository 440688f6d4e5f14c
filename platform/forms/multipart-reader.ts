import { once } from "node:events";
import { finished } from "node:stream/promises";

import busboy from "busboy";

import { readBody } from "./body-reader";
import { describeName, malformedForm, unsupportedForm } from "./form-errors";
import { type FormLimits, FormLimitError } from "./limits";
import { PartHeaderSniffer } from "./part-header-sniffer";
import type { RawEntry } from "./raw-entry";
import { removeFiles, type Spool, spoolToTempFile } from "./temp-file";
import type { MaybePromise } from "../maybe-promise";

export interface MultipartOptions {
  tmpDir: string;
  limits: FormLimits;
  /** Fields the form already holds (the query string's); they count towards `maxFields`. */
  fieldsBefore: number;
  contentLength: number | undefined;
  signal: AbortSignal | undefined;
}

type RawFile = Extract<RawEntry, { kind: "file" }>;
type Slot = RawEntry | { readonly spool: Spool; readonly file: Omit<RawFile, "size"> };

/**
 * Reads a `multipart/form-data` body with busboy: text parts into memory, file parts streamed
 * to temporary files. On any failure every temporary file is removed before the promise
 * rejects, and nothing more is read from `body`.
 */
export async function readMultipart(
  body: NodeJS.ReadableStream,
  contentType: string,
  boundary: string,
  options: MultipartOptions,
): Promise<RawEntry[]> {
  const { limits, tmpDir } = options;
  const slots: Slot[] = [];
  const spools: Spool[] = [];
  const sniffer = new PartHeaderSniffer(boundary);
  const abort = new AbortController();
  let failure: unknown;

  // Parts that declare no charset are decoded as latin1, which maps bytes to code units one to
  // one, so the form's charset can be applied afterwards (see PartHeaderSniffer); parts that
  // declare one are left as busboy decoded them. busboy flags a value as truncated once it
  // *reaches* its size limit, hence the + 1.
  const parser = busboy({
    headers: { "content-type": contentType },
    defCharset: "latin1",
    defParamCharset: "latin1",
    limits: {
      fields: limits.maxFields - options.fieldsBefore,
      fieldSize: limits.maxFieldSize + 1,
      files: limits.maxFiles,
      fileSize: limits.maxFileSize + 1,
    },
  });

  // Uploads still being written stop too: after a failure nothing is worth an open file.
  const fail = (err: unknown): void => {
    if (failure !== undefined) return;
    failure = err;
    abort.abort(err);
    const reason = err instanceof Error ? err : new Error(String(err));
    parser.destroy(reason);
    for (const spool of spools) spool.cancel(reason);
  };

  // busboy reports a part without a name parameter with an undefined name.
  parser.on("field", (name: string | undefined, value: string | undefined, info) => {
    if (failure !== undefined) return;
    const meta = sniffer.next(name);
    const rawName = latin1Bytes(name);
    if (info.valueTruncated || rawName.length > limits.maxFieldSize) {
      return fail(new FormLimitError("maxFieldSize", limits.maxFieldSize, `field ${describeName(rawName)}`));
    }
    if (value === undefined) {
      const charset = meta?.charset ?? "(unknown)";
      const message = `field ${describeName(rawName)} is in charset ${charset}, which tsmod cannot decode`;
      return fail(unsupportedForm(message));
    }
    slots.push({ kind: "text", name: rawName, value: meta?.charset === undefined ? latin1Bytes(value) : value });
  });

  parser.on("file", (name: string | undefined, stream, info) => {
    if (failure !== undefined) return void stream.resume();
    const meta = sniffer.next(name);
    const rawName = latin1Bytes(name);
    const spool = spoolToTempFile(tmpDir, stream);
    spools.push(spool);
    spool.done.catch(fail);
    stream.on("limit", () => {
      fail(new FormLimitError("maxFileSize", limits.maxFileSize, `file ${describeName(rawName)}`));
    });
    const filename = info.filename === undefined || meta?.extendedFilename ? info.filename : latin1Bytes(info.filename);
    slots.push({ spool, file: { kind: "file", name: rawName, filename, type: info.mimeType, path: spool.path } });
  });

  parser.on("fieldsLimit", () => fail(new FormLimitError("maxFields", limits.maxFields, "the number of fields")));
  parser.on("filesLimit", () => fail(new FormLimitError("maxFiles", limits.maxFiles, "the number of files")));
  parser.on("error", (err: Error) => fail(malformedForm(`malformed multipart body: ${err.message}`)));

  const onAbort = (): void => fail(options.signal?.reason);
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener("abort", onAbort);

  // The epilogue is read (it counts towards the limits and the Content-Length) but not parsed.
  const sink = (chunk: Buffer): MaybePromise<void> => {
    const formBytes = sniffer.push(chunk);
    if (formBytes === 0) return;
    const written = parser.write(formBytes === chunk.length ? chunk : chunk.subarray(0, formBytes));
    if (!written) return once(parser, "drain", { signal: abort.signal }).then(() => undefined);
  };

  try {
    await readBody(body, sink, {
      maxBodySize: limits.maxBodySize,
      contentLength: options.contentLength,
      signal: abort.signal,
    });
    // The form is complete only at its closing delimiter: a body that ended before it is
    // refused now, not left to whatever busboy makes of it.
    if (!sniffer.closed) throw malformedForm("malformed multipart body: it ended before its closing delimiter");
    parser.end();
    await finished(parser);
    const entries = await Promise.all(
      slots.map(async (slot): Promise<RawEntry> =>
        "spool" in slot ? { ...slot.file, size: await slot.spool.done } : slot,
      ),
    );
    if (failure === undefined) return entries;
  } catch (err) {
    fail(err);
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }
  await Promise.allSettled(spools.map((s) => s.done));
  await removeFiles(spools.map((s) => s.path));
  throw failure;
}

/** The bytes behind a string busboy decoded as latin1. */
function latin1Bytes(text: string | undefined): Buffer {
  return Buffer.from(text ?? "", "latin1");
}
