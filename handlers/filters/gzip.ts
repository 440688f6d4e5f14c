/*
 * `tsmod/filters/gzip`: an output filter that gzips responses for clients that accept it.
 *
 *   TsOutputFilter tsmod/filters/gzip GZIP
 *   AddOutputFilter GZIP .html .css .js       (or SetOutputFilter GZIP)
 */
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import type { Filter, Request } from "../../platform";
import { acceptsCoding } from "./accept-encoding";

/** Bodies smaller than this are sent as they are: gzip's framing and the CPU would not pay off. */
export const MIN_SIZE = 256;

/** Media types that are compressed already: gzip would only cost time. */
const COMPRESSED_TYPES =
  /^(?:image\/(?!svg\+xml$)|video\/|audio\/|font\/woff2?$|application\/(?:zip|gzip|x-gzip|x-bzip2|x-xz|x-7z-compressed|zstd|x-compress|x-rar-compressed|vnd\.rar|java-archive)$)/;

export async function outputfilter(filter: Filter): Promise<void> {
  const req = filter.req;
  if (!mayCompress(req) || filter.headersSent) return filter.passOn();
  // The answer depends on Accept-Encoding from here on, compressed or not, so caches must know.
  addVary(req);
  const choice = acceptsCoding(req.headersIn.get("accept-encoding"), "gzip");
  if (!choice.use) return filter.passOn();
  const declared = req.headersOut.get("content-length");
  if (!choice.identityRefused && declared !== undefined && Number(declared) < MIN_SIZE) return filter.passOn();

  // Size unknown: look at the start of the body; one that ends below MIN_SIZE goes out as it is.
  const start: Buffer[] = [];
  if (!choice.identityRefused && declared === undefined) {
    let size = 0;
    while (size < MIN_SIZE) {
      const chunk = await filter.read();
      if (chunk === null) {
        for (const c of start) await filter.write(c);
        return;
      }
      start.push(chunk);
      size += chunk.length;
    }
  }

  req.headersOut.set("Content-Encoding", "gzip");
  req.headersOut.delete("Content-Length");
  // The gzipped bytes differ from the file's: a strong validator would claim they are the same.
  const etag = req.headersOut.get("etag");
  if (etag && !etag.startsWith("W/")) req.headersOut.set("ETag", `W/${etag}`);
  await pipeline(body(start, filter), createGzip(), async (zipped: AsyncIterable<Buffer>) => {
    for await (const chunk of zipped) await filter.write(chunk);
  });
}

function mayCompress(req: Request): boolean {
  if (req.status === 206) return false;
  const encoding = req.headersOut.get("content-encoding");
  if (encoding && encoding.toLowerCase() !== "identity") return false;
  if (/(?:^|,)\s*no-transform\s*(?:,|$)/i.test(req.headersOut.get("cache-control") ?? "")) return false;
  const type = (req.headersOut.get("content-type") ?? req.contentType ?? "").split(";")[0].trim().toLowerCase();
  return !COMPRESSED_TYPES.test(type);
}

function addVary(req: Request): void {
  const vary = req.headersOut.get("vary");
  if (!vary) {
    req.headersOut.set("Vary", "Accept-Encoding");
    return;
  }
  const names = vary.split(",").map((n) => n.trim().toLowerCase());
  if (!names.includes("accept-encoding") && !names.includes("*")) req.headersOut.set("Vary", `${vary}, Accept-Encoding`);
}

async function* body(start: Buffer[], rest: Filter): AsyncGenerator<Buffer> {
  yield* start;
  yield* rest;
}
