import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import { HTTP_METHOD_NOT_ALLOWED, HTTP_NOT_MODIFIED, HTTP_OK, HTTP_PARTIAL_CONTENT, HTTP_RANGE_NOT_SATISFIABLE, OK } from "../constants";
import { ErrorCode, TsmodError } from "../errors";
import type { Request } from "../request";
import { parseRange, type ByteRange } from "./byte-ranges";
import { MAX_CACHED_FILE, smallFileContents } from "./small-file-cache";

const ALLOW = "GET, HEAD, OPTIONS";
/** Read size: large enough for few system calls, small enough to keep memory flat. */
const CHUNK = 64 * 1024;

/**
 * Sends a regular file as Apache's default handler does: validators (ETag, Last-Modified),
 * conditional requests (304/412), byte ranges (206, multipart/byteranges, 416), HEAD and
 * OPTIONS. The body is streamed in chunks with backpressure, never read whole.
 *
 * Output filters that change the body send bytes that are not the file's: the ETag is made
 * weak (no strong validator vouches for them), and ranges, which could only be cut from the
 * file, are not offered (`Accept-Ranges` dropped) and a `Range` header is ignored (200 with
 * the whole filtered body). Filters that decline leave the file's validators and ranges be.
 */
export async function serveFile(req: Request, filename: string, st: fs.Stats): Promise<number> {
  if (req.method === "OPTIONS") {
    req.headersOut.set("Allow", ALLOW);
    return OK;
  }
  if (req.method !== "GET" && req.method !== "HEAD") {
    req.errHeadersOut.set("Allow", ALLOW);
    return HTTP_METHOD_NOT_ALLOWED;
  }
  req.updateMtime(st.mtimeMs / 1000);
  req.setLastModified();
  const etag = req.setEtag();
  req.headersOut.set("Accept-Ranges", "bytes");
  const output = req._state.output;
  // Filters see the file's headers as they decide; conditions then compare with what goes out.
  const changes = output.filtersChangeBody();
  const filtered = typeof changes === "boolean" ? changes : await changes;
  if (filtered) {
    req.headersOut.delete("Accept-Ranges");
    // A filter that set a validator of its own knows best.
    if (req.headersOut.get("etag") === etag) req.headersOut.set("ETag", `W/${etag}`);
  }
  // An ErrorDocument served with an error status is not subject to conditions or ranges.
  if (req.status === HTTP_OK) {
    const cond = req.meetsConditions();
    if (cond === HTTP_NOT_MODIFIED) {
      // The filters' chain started for a body this answer does not have.
      if (changes !== false) output.discard();
      req.status = HTTP_NOT_MODIFIED;
      req.contentType = null;
      return OK;
    }
    if (cond !== OK) return cond;
    const header = filtered ? undefined : req.headersIn.get("range");
    if (header !== undefined && ifRangeHolds(req)) {
      const ranges = parseRange(header, st.size);
      if (ranges === "unsatisfiable") {
        req.errHeadersOut.set("Content-Range", `bytes */${st.size}`);
        return HTTP_RANGE_NOT_SATISFIABLE;
      }
      if (ranges) return ranges.length === 1 ? sendSingleRange(req, filename, ranges[0], st.size) : sendMultipart(req, filename, ranges, st.size);
    }
  }
  output.startStreaming(st.size);
  // HEAD sends no body, but filters must still see one to set the headers GET would get.
  if (req.headerOnly && !output.filtered) return OK;
  // Filters get chunks of their own to change: never the cached bytes.
  const contents = st.size <= MAX_CACHED_FILE && !output.filtered ? await smallFileContents(filename, st) : undefined;
  if (contents !== undefined) await output.write(contents);
  else await streamRanges(req, filename, [{ start: 0, end: st.size - 1 }], st.size);
  return OK;
}

/** `If-Range`: the ranges apply only while the client's validator still matches (strongly). */
function ifRangeHolds(req: Request): boolean {
  const cond = req.headersIn.get("if-range")?.trim();
  if (cond === undefined) return true;
  if (cond.startsWith('"') || cond.startsWith("W/")) return cond === req.headersOut.get("etag");
  const lastModified = req.headersOut.get("last-modified");
  return lastModified !== undefined && Date.parse(cond) === Date.parse(lastModified);
}

async function sendSingleRange(req: Request, filename: string, r: ByteRange, size: number): Promise<number> {
  req.status = HTTP_PARTIAL_CONTENT;
  req.headersOut.set("Content-Range", `bytes ${r.start}-${r.end}/${size}`);
  req._state.output.startStreaming(r.end - r.start + 1);
  if (!req.headerOnly) await streamRanges(req, filename, [r], size);
  return OK;
}

async function sendMultipart(req: Request, filename: string, ranges: ByteRange[], size: number): Promise<number> {
  const boundary = randomBytes(12).toString("hex");
  const partType = req.contentType ? `Content-Type: ${req.contentType}\r\n` : "";
  const heads = ranges.map((r) => `\r\n--${boundary}\r\n${partType}Content-Range: bytes ${r.start}-${r.end}/${size}\r\n\r\n`);
  const tail = `\r\n--${boundary}--\r\n`;
  const length = heads.reduce((n, h, i) => n + Buffer.byteLength(h) + ranges[i].end - ranges[i].start + 1, Buffer.byteLength(tail));
  req.status = HTTP_PARTIAL_CONTENT;
  req.contentType = `multipart/byteranges; boundary=${boundary}`;
  req._state.output.startStreaming(length);
  if (!req.headerOnly) await streamRanges(req, filename, ranges, size, heads, tail);
  return OK;
}

/**
 * Streams the ranges of a file (each after its part head, when given). A file that shrank
 * since it was examined cannot fill the promised Content-Length: the connection is closed
 * so the client sees a truncated response, never a wrong one.
 */
async function streamRanges(req: Request, filename: string, ranges: ByteRange[], size: number, heads?: string[], tail?: string): Promise<void> {
  const out = req._state.output;
  const fd = await openFile(filename);
  try {
    for (let i = 0; i < ranges.length; i++) {
      if (heads) await out.write(heads[i]);
      let pos = ranges[i].start;
      const end = ranges[i].end + 1;
      while (pos < end) {
        const buf = Buffer.allocUnsafe(Math.min(CHUNK, end - pos));
        const bytesRead = await readAt(fd, buf, pos);
        if (bytesRead === 0) {
          req.rawResponse.destroy();
          throw new TsmodError(ErrorCode.SENDFILE, `${filename} shrank while being sent (expected ${size} bytes)`);
        }
        pos += bytesRead;
        await out.write(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
      }
    }
    if (tail) await out.write(tail);
  } finally {
    fs.close(fd, () => undefined);
  }
}

// Plain callback fs calls: FileHandle's extra bookkeeping costs measurably per small file.
function openFile(filename: string): Promise<number> {
  return new Promise((resolve, reject) => fs.open(filename, "r", (err, fd) => (err ? reject(err) : resolve(fd))));
}

function readAt(fd: number, buf: Buffer, position: number): Promise<number> {
  return new Promise((resolve, reject) => fs.read(fd, buf, 0, buf.length, position, (err, n) => (err ? reject(err) : resolve(n))));
}
