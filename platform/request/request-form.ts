import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { DirConfig } from "../config/model";
import { ErrorCode, TsmodError } from "../errors";
import { requestBody } from "../filters";
import { DEFAULT_FORM_LIMITS, parseForm, parseQueryForm, type FieldStorage, type FormLimits } from "../forms";
import { bodyDeadline } from "./body-deadline";
import { bodyLimit } from "./body-limit";
import type { Request } from "./request";
import type { MaybePromise } from "../maybe-promise";

/** `TsOption tsmod.form.*` keys and the limits they set. */
const LIMIT_OPTIONS: Array<[string, keyof FormLimits]> = [
  ["tsmod.form.max_fields", "maxFields"],
  ["tsmod.form.max_field_size", "maxFieldSize"],
  ["tsmod.form.max_file_size", "maxFileSize"],
  ["tsmod.form.max_files", "maxFiles"],
];

export interface FormSettings {
  readonly limits: FormLimits;
  readonly tmpDir: string;
  readonly keepBlank: boolean;
}

/** Computed once per merged configuration (those are cached), not per request. */
const settingsCache = new WeakMap<DirConfig, FormSettings>();

export function formSettings(dir: DirConfig, bodyLimit: number): FormSettings {
  let s = settingsCache.get(dir);
  if (s) return s;
  const limits: FormLimits = { ...DEFAULT_FORM_LIMITS };
  for (const [key, field] of LIMIT_OPTIONS) {
    const v = dir.options.get(key);
    if (v) {
      if (!/^\d+$/.test(v)) throw new TsmodError(ErrorCode.FORM_MALFORMED, `TsOption ${key} must be a whole number, not '${v}'`, 500);
      limits[field] = Number(v);
    }
  }
  // LimitRequestBody is the one knob for the whole body, forms included: raising it (or 0,
  // unlimited) must let a bigger upload through, not stop at the form default.
  limits.maxBodySize = bodyLimit > 0 ? bodyLimit : Infinity;
  const tmpDir = dir.options.get("tsmod.form.tmp_dir") || path.join(os.tmpdir(), "tsmod-uploads");
  fs.mkdirSync(tmpDir, { recursive: true, mode: 0o700 });
  s = { limits, tmpDir, keepBlank: dir.options.get("tsmod.form.keep_blank") === "1" };
  settingsCache.set(dir, s);
  return s;
}

/**
 * `req.form()` without a promise when there is nothing to wait for (a GET or HEAD form), so
 * built-in handlers that need the fields can stay synchronous. Parsed once per request.
 */
export function readForm(req: Request): MaybePromise<FieldStorage> {
  const s = req._state;
  return (s.form ??= parseRequestForm(req, bodyLimit(s.dir)));
}

/**
 * Parses a request's form: the query string, then an urlencoded or multipart body. Uploads
 * go to temporary files removed when the request ends. A body that arrives too slowly
 * (`RequestReadTimeout`) or stalls for `Timeout` answers 408. A GET or HEAD form is returned
 * as it is, without a promise.
 */
function parseRequestForm(req: Request, bodyLimit: number): MaybePromise<FieldStorage> {
  try {
    const body = req._state.body;
    if (body && body.bytesRead > 0) {
      throw new TsmodError(
        ErrorCode.BODY_CONSUMED,
        "req.form(): the request body was already read with req.read(); call req.form() before reading the body yourself",
      );
    }
    // GET and HEAD forms are their query string, parsed at once: no header is looked at (the
    // publisher's and PSP's usual request), no stall timer, no temporary file to dispose of.
    if (req.method !== "GET" && req.method !== "HEAD") return parseBodyForm(req, bodyLimit);
    return parseQueryForm(req.args || null, formSettings(req._state.dir, bodyLimit));
  } catch (e) {
    return Promise.reject(e);
  }
}

async function parseBodyForm(req: Request, bodyLimit: number): Promise<FieldStorage> {
  const state = req._state;
  // The settings are the parser's options as they stand (made once per merged configuration).
  const options = formSettings(state.dir, bodyLimit);
  const query = req.args || null;
  const raw = req.raw;
  const lengthHeader = req.headersIn.get("content-length");
  const hasBody = Number(lengthHeader) > 0 || req.headersIn.has("transfer-encoding");
  // Input filters see the body before the form parser does; their output has a length of its own.
  const body = hasBody ? requestBody(req) : null;
  const filtered = body !== null && body !== raw;
  const input = {
    query,
    contentType: req.headersIn.get("content-type"),
    contentLength: lengthHeader === undefined || filtered ? undefined : Number(lengthHeader),
    body,
  };
  if (!body) return parseForm(input, options);
  const abort = new AbortController();
  const deadline = bodyDeadline(req);
  deadline.wait((e) => abort.abort(e));
  // A client that goes away ends the parse at once, also once its body is all in (uploads
  // still being written to disk): nothing it sent is worth keeping open a file for.
  const gone = () => abort.abort(new TsmodError(ErrorCode.BODY_ABORTED, "the client closed the connection before the form was read", 400));
  const socket = raw.socket;
  socket.once("close", gone);
  try {
    const form = await parseForm(input, { ...options, signal: abort.signal });
    req.registerCleanup(() => form.dispose());
    return form;
  } finally {
    deadline.stopWaiting();
    socket.off("close", gone);
  }
}
