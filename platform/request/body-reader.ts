import type { Readable } from "node:stream";
import { ErrorCode, TsmodError } from "../errors";
import type { BodyDeadline } from "./body-deadline";

/**
 * Streams the request body for `req.read()`/`readline()`: chunked bodies are fine, memory
 * holds only what the handler asked for, `LimitRequestBody` is enforced while reading, and a
 * client that sends too slowly (`RequestReadTimeout`) or stops (`Timeout`) gets a 408 instead
 * of hanging the handler.
 */
export class BodyReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private received = 0;
  private done = false;
  private failure: TsmodError | null = null;

  constructor(
    /** The client's body, or what the input filters make of it. */
    private readonly stream: Readable,
    private readonly limit: number,
    private readonly deadline: BodyDeadline,
  ) {}

  /** Bytes taken from the client so far. */
  get bytesRead(): number {
    return this.received;
  }

  get exhausted(): boolean {
    return this.done && this.pendingBytes === 0;
  }

  /** Up to `size` bytes; everything that is left when `size` is omitted or negative. */
  async read(size?: number): Promise<Buffer> {
    const want = size === undefined || size < 0 ? Infinity : size;
    while (this.pendingBytes < want && !this.done) await this.pull();
    return this.take(Math.min(want, this.pendingBytes));
  }

  /** One line including its `\n`, or up to `limit` bytes; an empty buffer at the end. */
  async readline(limit?: number): Promise<Buffer> {
    const max = limit === undefined || limit < 0 ? Infinity : limit;
    let scanned = 0;
    for (;;) {
      const nl = this.indexOfNewline(scanned);
      if (nl >= 0 && nl + 1 <= max) return this.take(nl + 1);
      if (this.pendingBytes >= max) return this.take(max);
      if (this.done) return this.take(this.pendingBytes);
      scanned = this.pendingBytes;
      await this.pull();
    }
  }

  /** Lines until the end, or until their total size reaches `sizeHint` (mod_python's rule). */
  async readlines(sizeHint?: number): Promise<Buffer[]> {
    const lines: Buffer[] = [];
    let total = 0;
    for (;;) {
      const line = await this.readline();
      if (line.length === 0) return lines;
      lines.push(line);
      total += line.length;
      if (sizeHint !== undefined && sizeHint > 0 && total >= sizeHint) return lines;
    }
  }

  /** Reads and drops the rest of the body (still bounded by the limit and the timeout). */
  async discard(): Promise<void> {
    while (!this.done) {
      await this.pull();
      this.pending = [];
      this.pendingBytes = 0;
    }
    this.pending = [];
    this.pendingBytes = 0;
  }

  private indexOfNewline(from: number): number {
    let offset = 0;
    for (const chunk of this.pending) {
      if (from < offset + chunk.length) {
        const i = chunk.indexOf(10, Math.max(0, from - offset));
        if (i >= 0) return offset + i;
      }
      offset += chunk.length;
    }
    return -1;
  }

  private take(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    const all = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.pending = rest.length ? [rest] : [];
    this.pendingBytes = rest.length;
    return out;
  }

  private pull(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.deadline.expired) {
      this.failure = this.deadline.expired;
      return Promise.reject(this.failure);
    }
    const broken = this.stream.errored;
    if (broken) {
      this.failure = broken instanceof TsmodError ? broken : new TsmodError(ErrorCode.BODY_ABORTED, "the client aborted the request body", 400);
      return Promise.reject(this.failure);
    }
    const chunk = this.stream.read() as Buffer | null;
    if (chunk !== null) {
      this.accept(chunk);
      return this.failure ? Promise.reject(this.failure) : Promise.resolve();
    }
    if (this.stream.readableEnded) {
      this.done = true;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const s = this.stream;
      const finish = (err?: TsmodError) => {
        this.deadline.stopWaiting();
        s.off("readable", onReadable);
        s.off("end", onEnd);
        s.off("aborted", onAborted);
        s.off("error", onError);
        if (err) {
          this.failure = err;
          reject(err);
        } else resolve();
      };
      const onReadable = () => {
        const c = s.read() as Buffer | null;
        if (c === null) {
          if (s.readableEnded) onEnd();
          return;
        }
        this.accept(c);
        finish(this.failure ?? undefined);
      };
      const onEnd = () => {
        this.done = true;
        this.deadline.finish();
        finish();
      };
      const onAborted = () => finish(new TsmodError(ErrorCode.BODY_ABORTED, "the client aborted the request body", 400));
      // An input filter's failure (500) or a broken body it passed on keeps its own status.
      const onError = (err: unknown) => (err instanceof TsmodError ? finish(err) : onAborted());
      s.on("readable", onReadable);
      s.once("end", onEnd);
      s.once("aborted", onAborted);
      s.once("error", onError);
      this.deadline.wait(finish);
    });
  }

  private accept(chunk: Buffer): void {
    this.received += chunk.length;
    if (this.limit > 0 && this.received > this.limit) {
      this.failure = new TsmodError(ErrorCode.BODY_TOO_LARGE, `request body larger than LimitRequestBody (${this.limit} bytes)`, 413);
      return;
    }
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
  }
}
