import { ErrorCode, TsmodError, isBufferedWrite, type Request, type MaybePromise } from "../platform";
import { builtinTag } from "./value-kinds";

const HTML = "text/html; charset=utf-8";
const TEXT = "text/plain; charset=utf-8";
const JSON_TYPE = "application/json; charset=utf-8";
const BYTES = "application/octet-stream";

/**
 * Looks like a page: starts with a doctype or `<html>`, or ends with `</html>` (mod_python's
 * test, on the last 100 characters).
 */
function looksLikeHtml(text: string): boolean {
  if (!text.includes("<")) return false;
  return /^\s*<(!doctype\s+html|html)[\s>]/i.test(text.slice(0, 100)) || /<\/html\s*>\s*$/i.test(text.slice(-100));
}

/**
 * Writes a published function's result: a string as the body (HTML or plain text by its
 * look), bytes as they are, an async iterable, stream or generator chunk by chunk, `undefined`
 * and `null` as nothing more than what the function wrote, anything else as JSON. A type
 * the function set in `req.contentType` is kept. HEAD gets the headers only.
 */
export function sendResult(req: Request, result: unknown): MaybePromise<void> {
  if (result === undefined || result === null) return;
  if (typeof result === "string") {
    req.contentType ??= looksLikeHtml(result) ? HTML : TEXT;
    return send(req, result);
  }
  if (isBytes(result)) {
    req.contentType ??= BYTES;
    return send(req, result);
  }
  if (typeof result === "object" && isStreamable(result)) return stream(req, result);
  if (typeof result !== "object") {
    req.contentType ??= TEXT;
    return send(req, String(result));
  }
  req.contentType ??= JSON_TYPE;
  return send(req, JSON.stringify(result, jsonValue));
}

/** Writes the body unless the request is HEAD; a promise only when the write must be waited for. */
function send(req: Request, body: string | Uint8Array): MaybePromise<void> {
  if (req.headerOnly) return;
  const written = req.write(body);
  if (!isBufferedWrite(written)) return written;
}

/** Async iterables (streams included) and generators; arrays, Maps and Sets are data (JSON). */
function isStreamable(value: object): value is AsyncIterable<unknown> | Iterable<unknown> {
  if (Symbol.asyncIterator in value) return true;
  const tag = (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag];
  return tag === "Generator" && Symbol.iterator in value;
}

async function stream(req: Request, source: AsyncIterable<unknown> | Iterable<unknown>): Promise<void> {
  let first = true;
  for await (const chunk of source as AsyncIterable<unknown>) {
    if (typeof chunk !== "string" && !isBytes(chunk)) {
      throw new TsmodError(ErrorCode.PUBLISHER_BAD_RESULT, `a streamed result yielded ${chunk === null ? "null" : typeof chunk}; chunks must be strings or bytes`);
    }
    if (first) {
      req.contentType ??= typeof chunk === "string" ? (looksLikeHtml(chunk) ? HTML : TEXT) : BYTES;
      first = false;
      // Headers go now: the rest may take a while, and the client should see progress.
      if (req.headerOnly) break;
      await req.write(chunk);
      await req.flush();
      continue;
    }
    await req.write(chunk);
  }
}

/** Buffers and other byte arrays, from any realm. */
function isBytes(value: unknown): value is Uint8Array {
  return ArrayBuffer.isView(value) && builtinTag(value) === "Uint8Array";
}

function jsonValue(_key: string, value: unknown): unknown {
  const tag = builtinTag(value);
  if (tag === "Map") return Object.fromEntries(value as Map<unknown, unknown>);
  if (tag === "Set") return [...(value as Set<unknown>)];
  if (typeof value === "bigint") return value.toString();
  return value;
}
