import { parseContentType } from "busboy/lib/utils";

import { readBody } from "./body-reader";
import { charsetName } from "./charset";
import { FieldStorage, type FormEntry } from "./field-storage";
import { malformedForm, unsupportedForm } from "./form-errors";
import type { FormLimits } from "./limits";
import { readMultipart } from "./multipart-reader";
import { charsetFieldValue, decodeEntries, type RawEntry } from "./raw-entry";
import { plainQueryFields } from "./plain-query";
import { UrlencodedReader } from "./urlencoded-reader";

/** What `parseForm` needs from a request; nothing else about it. */
export interface FormInput {
  /** The query string without "?", or `null`. */
  query: string | null;
  contentType: string | undefined;
  contentLength: number | undefined;
  /** The request body, or `null` when there is none to read (e.g. GET, HEAD). */
  body: NodeJS.ReadableStream | null;
}

export interface FormOptions {
  /** Where uploads are written. Must exist. */
  tmpDir: string;
  limits: FormLimits;
  /** Charset of text that declares none and has no `_charset_` field; default `utf-8`. */
  defaultCharset?: string;
  /** Keep fields whose value is empty (mod_python's `keep_blank_values`); default false. */
  keepBlank?: boolean;
  /**
   * Aborting stops the parse (e.g. when the server's body Timeout fires) and rejects with the
   * signal's reason once the temporary files are gone. The body itself is left alone.
   */
  signal?: AbortSignal;
}

/**
 * Reads a request's form: the query string's fields first, then the body's, in order. The body
 * may be `application/x-www-form-urlencoded` (also assumed when there is no Content-Type, as
 * mod_python did) or `multipart/form-data`; uploads are streamed to files in `tmpDir`.
 *
 * Rejects with a `TsmodError`: 413 (`FORM_TOO_LARGE`, a `FormLimitError`) when a limit is
 * passed, 400 (`FORM_MALFORMED`) for a broken body, 400 (`BODY_ABORTED`) when the body stops
 * early, 415 (`FORM_UNSUPPORTED_TYPE`) for any other media type or an unknown charset, 503
 * (`TOO_MANY_OPEN_FILES`) when no file descriptor is left for an upload's file. Other errors
 * (an unwritable `tmpDir`, a full disk) are the server's own faults. No temporary file
 * outlives a rejection; after success they belong to the returned `FieldStorage` until its
 * `dispose()`.
 *
 * @example
 * // with `raw` a node:http IncomingMessage that has a body
 * const length = raw.headers["content-length"];
 * const form = await parseForm(
 *   {
 *     query: new URL(raw.url ?? "/", "http://x").search.slice(1) || null,
 *     contentType: raw.headers["content-type"],
 *     contentLength: length === undefined ? undefined : Number(length),
 *     body: raw,
 *   },
 *   { tmpDir: os.tmpdir(), limits: DEFAULT_FORM_LIMITS },
 * );
 * try { ... } finally { await form.dispose(); }
 */
export async function parseForm(input: FormInput, options: FormOptions): Promise<FieldStorage> {
  const { fallback, keepBlank } = parseSettings(options);
  const { fields, count } = queryFields(input.query, options, fallback, keepBlank);
  const body = await readFormBody(input, options, count);
  if (!body) return new FieldStorage(fields);
  const bodyFields = "fields" in body ? body.fields : decodeEntries(body.entries, body.charset ?? charsetFieldValue(body.entries) ?? fallback, keepBlank);
  return new FieldStorage(fields.length ? [...fields, ...bodyFields] : bodyFields);
}

/**
 * The form of a request without a body (GET, HEAD): its query string's fields, at once.
 * Throws what `parseForm` would reject with.
 */
export function parseQueryForm(query: string | null, options: FormOptions): FieldStorage {
  const { fallback, keepBlank } = parseSettings(options);
  return new FieldStorage(queryFields(query, options, fallback, keepBlank).fields);
}

function parseSettings(options: FormOptions): { fallback: string; keepBlank: boolean } {
  // Most forms are UTF-8: no label to normalise on every request then.
  const fallback = options.defaultCharset === undefined ? "utf-8" : charsetName(options.defaultCharset);
  if (!fallback) throw new RangeError(`unknown defaultCharset ${JSON.stringify(options.defaultCharset)}`);
  return { fallback, keepBlank: options.keepBlank ?? false };
}

function queryFields(query: string | null, options: FormOptions, fallback: string, keepBlank: boolean): { fields: FormEntry[]; count: number } {
  if (!query) return { fields: [], count: 0 };
  return plainQueryFields(query, options.limits, keepBlank, fallback) ?? readQuery(query, options.limits, fallback, keepBlank);
}

function readQuery(queryString: string, limits: FormLimits, fallback: string, keepBlank: boolean): { fields: FormEntry[]; count: number } {
  const query = new UrlencodedReader(limits, 0);
  query.write(Buffer.from(queryString, "utf8"));
  const entries = query.end();
  return { fields: decodeEntries(entries, charsetFieldValue(entries) ?? fallback, keepBlank), count: entries.length };
}

/** A body's fields: as read off the wire, or already decoded (a plain urlencoded body). */
type RawBody =
  | {
      entries: RawEntry[];
      /** The charset the body's Content-Type declares, if any. */
      charset: string | undefined;
    }
  | { fields: FormEntry[] };

/**
 * A urlencoded body up to this size with a Content-Length is read whole and, when it is plain
 * ASCII, split as a query string is (`plainQueryFields`): the form a browser posts, without
 * the byte-level decoder's work per key and value. Larger ones stream through the decoder.
 */
const WHOLE_BODY_MAX = 64 * 1024;

async function readFormBody(
  input: FormInput,
  options: FormOptions,
  fieldsBefore: number,
): Promise<RawBody | undefined> {
  const { body, contentLength } = input;
  if (!body) return undefined;
  const header = input.contentType?.trim();
  if (!header) {
    return contentLength === 0 ? undefined : readUrlencodedBody(body, undefined, input, options, fieldsBefore);
  }

  const type = parseContentType(header);
  if (!type) throw malformedForm(`malformed Content-Type ${JSON.stringify(header)}`);
  const mediaType = `${type.type}/${type.subtype}`;
  if (mediaType === "application/x-www-form-urlencoded") {
    return readUrlencodedBody(body, type.params.charset, input, options, fieldsBefore);
  }
  if (mediaType === "multipart/form-data") {
    const boundary = type.params.boundary;
    if (!boundary) throw malformedForm("multipart/form-data without a boundary parameter");
    const { tmpDir, limits, signal } = options;
    const entries = await readMultipart(body, header, boundary, {
      tmpDir,
      limits,
      fieldsBefore,
      contentLength,
      signal,
    });
    return { entries, charset: undefined };
  }
  throw unsupportedForm(`cannot read a form from a ${mediaType} body`);
}

async function readUrlencodedBody(
  body: NodeJS.ReadableStream,
  charsetLabel: string | undefined,
  input: FormInput,
  options: FormOptions,
  fieldsBefore: number,
): Promise<RawBody> {
  const charset = charsetName(charsetLabel);
  if (charsetLabel !== undefined && !charset) {
    throw unsupportedForm(`unsupported charset ${JSON.stringify(charsetLabel)}`);
  }
  const { limits, signal } = options;
  const read = { maxBodySize: limits.maxBodySize, contentLength: input.contentLength, signal };
  const reader = new UrlencodedReader(limits, fieldsBefore);
  if (input.contentLength === undefined || input.contentLength > WHOLE_BODY_MAX) {
    await readBody(body, (chunk) => reader.write(chunk), read);
    return { entries: reader.end(), charset };
  }
  const chunks: Buffer[] = [];
  await readBody(body, (chunk) => void chunks.push(chunk), read);
  const bytes = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
  const { fallback, keepBlank } = parseSettings(options);
  const plain = plainQueryFields(bytes.toString("latin1"), { ...limits, maxFields: limits.maxFields - fieldsBefore }, keepBlank, charset ?? fallback);
  if (plain) return { fields: plain.fields };
  reader.write(bytes);
  return { entries: reader.end(), charset };
}
