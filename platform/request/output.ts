import type { ServerResponse } from "node:http";
import { APLOG_ERR } from "../constants";
import { ErrorCode, TsmodError } from "../errors";
import type { Table } from "../table";
import { describeBadHead } from "./bad-head";
import { isHttp2, withoutConnectionHeaders } from "./http2-head";
import type { MaybePromise } from "../maybe-promise";

/** Where an output chain writes: the response (through the output's buffer). */
export interface BodySink {
  write(buf: Buffer): Promise<void>;
  end(): void;
}

/** The output filters in effect for a response (`platform/filters` makes them). */
export interface OutputChain {
  write(buf: Buffer): Promise<void>;
  end(): Promise<void>;
  /** Every filter passed the body through unchanged. */
  readonly declined: boolean;
  /** Whether a filter will change the body, once each has decided. */
  changesBody(): boolean | Promise<boolean>;
  /** Stops the filters without output (an error page replaces the response). */
  cancel(): void;
}

/** What the output needs from the request whose headers it sends. */
export interface ResponseHead {
  status: number;
  statusLine: string | null;
  contentType: string | null;
  readonly headersOut: Table;
  /** @internal `errHeadersOut` when it exists: null when nothing was ever set in it. */
  readonly _errHeaders: Table | null;
  readonly headerOnly: boolean;
  /** @internal called once, just before the status line goes out (no-cache, validators, ...). */
  prepareHeaders(): void;
  /** @internal called at the first body byte: the output filters' chain writing into `sink`, or null when none apply. */
  startOutputFilters(sink: BodySink, onFailure: (error: Error) => void): OutputChain | null;
  logError(message: string, level?: number): void;
}

/** For output whose handler set no type: never sniffed as HTML. */
const DEFAULT_CONTENT_TYPE = "text/plain; charset=utf-8";

/** The answer to every write that only buffers: nothing to wait for. */
const SETTLED: Promise<void> = Promise.resolve();

/**
 * Whether `write`'s answer is the one of a write that only buffered: code that would await it
 * can go on at once and stay synchronous.
 */
export function isBufferedWrite(written: unknown): boolean {
  return written === SETTLED;
}

/** Responses up to this size are sent in one piece with a Content-Length. */
const BUFFER_LIMIT = 64 * 1024;

function hasNoBody(status: number): boolean {
  return status === 204 || status === 304 || (status >= 100 && status < 200);
}

/**
 * The response body of one client request, shared by the request and its internal redirects.
 * Writes are buffered until the buffer fills or `flush()` is called, so a small response
 * goes out with a Content-Length and headers stay changeable until then (mod_python flushed on
 * every write, which froze headers at the first byte).
 *
 * Output filters sit between the writes and that buffer: the chain starts at the first body
 * byte, the headers wait for its first output (filters may still change them), and a filter
 * failure ends in a 500 before that or in a destroyed connection after it.
 */
export class Output {
  private chunks: Array<string | Buffer> = [];
  private sentHeaders: string[] = [];
  private buffered = 0;
  private sent = false;
  private ended = false;
  /** The output filters' chain: undefined until the body starts, null when none apply. */
  private chain: OutputChain | null | undefined = undefined;
  /** Set when a filter failed: what is written from then on (the error page) goes out unfiltered. */
  private filtersOff = false;
  /** `flush()` ran while filtering: stream from the filters' first output on. */
  private streaming = false;
  /** Node refused the head: output fails with this until an error page replaces it (`discard`). */
  private refusedHead: TsmodError | null = null;
  /** Once a head was refused, whatever answers instead closes the connection. */
  private closeAfter = false;
  bytesSent = 0;
  /** The request whose status and headers go out: the last one of an internal redirect chain. */
  head!: ResponseHead;

  constructor(readonly raw: ServerResponse) {}

  get headersSent(): boolean {
    return this.sent;
  }

  get finished(): boolean {
    return this.ended;
  }

  /** True once the body has started (through the filters or not): filters added now come too late. */
  get bodyStarted(): boolean {
    return this.chain !== undefined || this.sent;
  }

  /** Bytes written so far, sent or still buffered. */
  get bytesWritten(): number {
    return this.bytesSent + this.buffered;
  }

  /** Not `async`: a buffered write (the usual one) answers with one shared, settled promise. */
  write(data: string | Uint8Array): Promise<void> {
    if (this.ended) return Promise.reject(new TsmodError(ErrorCode.HEADERS_SENT, "write after the response was completed"));
    if (this.refusedHead) return Promise.reject(this.refusedHead);
    // Strings stay strings while buffered: Node sends headers and a string body in one write.
    const chunk = typeof data === "string" ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const size = typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.length;
    if (size === 0) return SETTLED;
    try {
      const chain = this.filters();
      return chain ? chain.write(typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk) : this.emit(chunk, size);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Sends headers and whatever is buffered; later writes stream (chunked). While filtering, the
   * headers wait for the filters' first output, which then goes out at once.
   */
  async flush(): Promise<void> {
    if (this.ended) return;
    if (this.refusedHead) throw this.refusedHead;
    if (this.filters()) {
      this.streaming = true;
      if (this.buffered) await this.sendBuffered();
      return;
    }
    await this.sendBuffered();
  }

  /** Drops output that has not gone out yet (an error page replaces it). */
  discard(): boolean {
    if (this.sent) return false;
    this.refusedHead = null;
    this.chunks = [];
    this.buffered = 0;
    this.chain?.cancel();
    this.chain = undefined;
    this.streaming = false;
    return true;
  }

  /**
   * Completes the response. Throws (rejects) with the filter failure when an output filter
   * failed before anything was sent, and with a `RESPONSE_HEAD_INVALID` error when Node refused
   * the head: the caller answers with an error page instead. Without output filters there is
   * nothing to wait for, and no promise.
   */
  end(): Promise<void> | undefined {
    if (this.ended) return undefined;
    if (this.refusedHead) throw this.refusedHead;
    const chain = this.filters();
    if (chain) return this.endFiltered(chain);
    this.complete();
    return undefined;
  }

  private async endFiltered(chain: OutputChain): Promise<void> {
    try {
      await chain.end();
    } catch (e) {
      if (!this.sent) throw e;
      this.ended = true;
      return;
    }
    this.complete();
  }

  private complete(): void {
    let data: string | Buffer | undefined;
    if (!this.sent) {
      const size = this.buffered;
      data = this.takeBuffer();
      this.sendHead(size);
      this.bytesSent += size;
    }
    this.ended = true;
    const res = this.raw;
    if (res.destroyed) return;
    res.end(data?.length ? data : undefined);
  }

  /**
   * Resolves once the response has been handed to the operating system, or the client has
   * gone. Only requests with work after the response (log handlers, cleanups) wait for it.
   */
  whenFinished(): Promise<void> {
    const res = this.raw;
    if (res.writableFinished || res.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      res.once("finish", resolve);
      res.once("close", resolve);
    });
  }

  /**
   * Whether output filters will change this response's body, asked before writing it: false
   * when none apply, else (starting the chain) once every filter has decided. A boolean when
   * there is nothing to wait for.
   */
  filtersChangeBody(): MaybePromise<boolean> {
    const chain = this.filters();
    return chain !== null && chain.changesBody();
  }

  /** Whether output filters will see this response's body (a HEAD then still needs one). */
  get filtered(): boolean {
    return this.filters() !== null;
  }

  /**
   * Sends headers now, for bodies written straight to `raw` (sendfile, proxies). Returns false,
   * sending nothing, when output filters apply: then the body must go through `write()`.
   */
  startStreaming(contentLength: number | null): boolean {
    if (this.filters()) return false;
    if (!this.sent) this.sendHead(contentLength);
    return true;
  }

  /** The chain, started at the first body byte unless no filter applies or the body has none. */
  private filters(): OutputChain | null {
    if (this.chain === undefined) {
      const h = this.head;
      this.chain =
        this.filtersOff || this.sent || hasNoBody(h.status)
          ? null
          : h.startOutputFilters({ write: (buf) => this.emit(buf, buf.length), end: () => undefined }, () => this.filterFailed());
    }
    return this.chain;
  }

  private filterFailed(): void {
    this.filtersOff = true;
    // After the first byte the only honest signal left is breaking the connection.
    if (this.sent) this.raw.destroy();
    else {
      this.chunks = [];
      this.buffered = 0;
    }
  }

  /** The body after the filters: buffered while small, then streamed. */
  private emit(chunk: string | Buffer, size: number): Promise<void> {
    if (!this.sent) {
      this.chunks.push(chunk);
      this.buffered += size;
      if (this.buffered < BUFFER_LIMIT && !this.streaming) return SETTLED;
      return this.sendBuffered();
    }
    return this.send(chunk, size);
  }

  private async sendBuffered(): Promise<void> {
    if (!this.sent) this.sendHead(null);
    const size = this.buffered;
    const data = this.takeBuffer();
    if (size) await this.send(data, size);
    else this.raw.flushHeaders();
  }

  /** Everything buffered as one chunk: a string when only strings were written. */
  private takeBuffer(): string | Buffer {
    const chunks = this.chunks;
    const data =
      chunks.length === 1
        ? chunks[0]
        : chunks.every((c) => typeof c === "string")
          ? chunks.join("")
          : Buffer.concat(chunks.map((c) => (typeof c === "string" ? Buffer.from(c) : c)), this.buffered);
    this.chunks = [];
    this.buffered = 0;
    return data;
  }

  private sendHead(contentLength: number | null): void {
    const h = this.head;
    h.prepareHeaders();
    if (this.chain && !this.chain.declined) {
      // The handler's length described the body before filtering; a HEAD has no filtered body to measure.
      h.headersOut.delete("content-length");
      h._errHeaders?.delete("content-length");
      if (h.headerOnly) contentLength = null;
    }
    const res = this.raw;
    // One flat list handed to writeHead: cheaper than a setHeader call (and a lookup) per header.
    let flat: string[] = [];
    const out = h.headersOut;
    const err = h._errHeaders;
    out.appendPairs(flat);
    err?.appendPairs(flat);
    if (!hasHeader(out, err, res, "content-type")) {
      if (h.contentType) flat.push("Content-Type", h.contentType);
      else if (contentLength !== 0) flat.push("Content-Type", DEFAULT_CONTENT_TYPE);
    }
    if (contentLength !== null && !hasNoBody(h.status) && !hasHeader(out, err, res, "content-length") && !hasHeader(out, err, res, "transfer-encoding")) {
      flat.push("Content-Length", String(contentLength));
    }
    if (this.closeAfter) flat.push("Connection", "close");
    try {
      if (isHttp2(res)) {
        flat = withoutConnectionHeaders(flat);
        res.writeHead(h.status, flat);
      } else if (h.statusLine) res.writeHead(h.status, h.statusLine, flat);
      else res.writeHead(h.status, flat);
    } catch (e) {
      if (res.headersSent) throw e;
      this.headRefused(flat, e, contentLength);
      return;
    }
    this.sentHeaders = flat;
    this.sent = true;
  }

  /**
   * Node refused the head: a header, the status or the status line holds what HTTP cannot
   * carry (CR, LF, NUL, a character above U+00FF). As Apache's `check_headers`: logged with
   * the header's name, the response's headers dropped, and a 500 error thrown for an error
   * page to replace the output; the connection closes after it. If the error response's own
   * head is refused too (a `Header` rule), a bare 500 goes out instead.
   */
  private headRefused(flat: string[], error: unknown, contentLength: number | null): void {
    const h = this.head;
    const message = describeBadHead(h.status, h.statusLine, flat, error);
    h.logError(message, APLOG_ERR);
    h.headersOut.clear();
    h._errHeaders?.clear();
    h.contentType = null;
    h.statusLine = null;
    if (!this.closeAfter) {
      this.closeAfter = true;
      this.chunks = [];
      this.buffered = 0;
      this.refusedHead = new TsmodError(ErrorCode.RESPONSE_HEAD_INVALID, message, 500);
      throw this.refusedHead;
    }
    h.status = 500;
    let bare = ["Content-Type", "text/html; charset=utf-8", "Connection", "close"];
    if (contentLength !== null) bare.push("Content-Length", String(contentLength));
    if (isHttp2(this.raw)) {
      bare = withoutConnectionHeaders(bare);
      this.raw.writeHead(500, bare);
    } else this.raw.writeHead(500, "Internal Server Error", bare);
    this.sentHeaders = bare;
    this.sent = true;
  }

  /** A response header as it went out (all values joined), for the access log's `%{Name}o`. */
  sentHeader(name: string): string | undefined {
    const lower = name.toLowerCase();
    const values: string[] = [];
    for (let i = 0; i + 1 < this.sentHeaders.length; i += 2) if (this.sentHeaders[i].toLowerCase() === lower) values.push(this.sentHeaders[i + 1]);
    if (values.length) return values.join(", ");
    const own = this.raw.getHeader(name);
    return own === undefined ? undefined : Array.isArray(own) ? own.join(", ") : String(own);
  }

  private send(chunk: string | Buffer, size: number): Promise<void> {
    const res = this.raw;
    if (res.destroyed || res.writableEnded) {
      return Promise.reject(new TsmodError(ErrorCode.CLIENT_GONE, "write failed: the client closed the connection"));
    }
    this.bytesSent += size;
    if (res.write(chunk)) return Promise.resolve();
    // Backpressure: the promise resolves when the socket has taken the data.
    return new Promise((resolve, reject) => {
      const done = () => {
        res.off("drain", done);
        res.off("close", gone);
        resolve();
      };
      const gone = () => {
        res.off("drain", done);
        reject(new TsmodError(ErrorCode.CLIENT_GONE, "write failed: the client closed the connection"));
      };
      res.once("drain", done);
      res.once("close", gone);
    });
  }
}

/** Whether a header is set in any of the three places one can be: headersOut, errHeadersOut, the raw response. */
function hasHeader(out: Table, err: Table | null, res: ServerResponse, name: string): boolean {
  return out.has(name) || (err !== null && err.size > 0 && err.has(name)) || res.hasHeader(name);
}
