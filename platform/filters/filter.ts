import { ErrorCode, TsmodError } from "../errors";
import type { Request } from "../request";
import type { Pipe } from "./pipe";

/**
 * What a filter function receives: the stream it filters (`read`, or `for await`), where its
 * result goes (`write`), and the request. It is called once per request and stream; the
 * stream's end is `read()` returning null. When the function returns, its output is closed for
 * it; input it did not read is dropped, and a filter that neither read nor wrote passes the
 * stream on untouched (declining).
 */
export interface Filter extends AsyncIterable<Buffer> {
  /** The filter's name as registered (`TsOutputFilter module NAME`). */
  readonly name: string;
  /** For output filters, the request whose response this is (the last of an internal-redirect chain). */
  readonly req: Request;
  readonly isInput: boolean;
  /** True once `close()` (or `passOn()`) has ended this filter's output. */
  readonly closed: boolean;
  /** Output filters: true once the status line and headers are on their way to the client. */
  readonly headersSent: boolean;
  /** The next chunk, at most `size` bytes; null at the end of the stream. */
  read(size?: number): Promise<Buffer | null>;
  /** Hands data to the next filter (or the client); resolves when it has been taken. */
  write(data: string | Uint8Array): Promise<void>;
  /** Ends this filter's output; later reads and writes throw. */
  close(): Promise<void>;
  /** Passes the rest of the stream on unchanged, then closes. */
  passOn(): Promise<void>;
}

/** A filter handler (`outputfilter` / `inputfilter` by default); its return value is ignored. */
export type FilterFunction = (filter: Filter) => unknown;

/** Where a filter's output goes: the next filter's input, or the final consumer. */
export interface FilterTarget {
  write(buf: Buffer): Promise<void>;
  end(): void;
}

/** One filter of a chain at work: the `Filter` its function sees, reading one pipe and writing on. */
export class FilterStage implements Filter {
  private isClosed = false;
  private touched = false;
  private passedUntouched = false;
  /** Made when someone waits for the filter to decide (see `decided`); settled by `touch`/`close`. */
  private decision: Promise<void> | null = null;
  private decide: (() => void) | null = null;

  constructor(
    readonly name: string,
    readonly req: Request,
    readonly isInput: boolean,
    private readonly input: Pipe,
    private readonly target: FilterTarget,
  ) {}

  get closed(): boolean {
    return this.isClosed;
  }

  get headersSent(): boolean {
    return this.req.headersSent;
  }

  /** True when the filter passed the whole stream on before reading or writing any of it. */
  get declined(): boolean {
    return this.passedUntouched;
  }

  /**
   * Resolves once the filter has shown what it does with the stream: it read, wrote or closed
   * it (it may change it), or passed it on untouched (`declined`). Filters decide from the
   * request, before any of the stream arrives, so waiting for this needs no data.
   */
  decided(): Promise<void> {
    if (this.touched || this.isClosed) return Promise.resolve();
    this.decision ??= new Promise((resolve) => (this.decide = resolve));
    return this.decision;
  }

  read(size?: number): Promise<Buffer | null> {
    this.checkOpen("read");
    this.touch();
    return this.input.read(size);
  }

  async write(data: string | Uint8Array): Promise<void> {
    this.checkOpen("write");
    this.touch();
    const buf = typeof data === "string" ? Buffer.from(data, "utf8") : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    if (buf.length) await this.target.write(buf);
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    this.decide?.();
    this.target.end();
  }

  async passOn(): Promise<void> {
    this.checkOpen("passOn");
    if (!this.touched) this.passedUntouched = true;
    this.touch();
    for (let chunk = await this.input.read(); chunk !== null; chunk = await this.input.read()) await this.target.write(chunk);
    await this.close();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    for (let chunk = await this.read(); chunk !== null; chunk = await this.read()) yield chunk;
  }

  /** Runs the filter function to the end of the stream (mod_python left closing to the filter). */
  async run(fn: FilterFunction): Promise<void> {
    await fn(this);
    if (!this.touched && !this.isClosed) await this.passOn();
    else await this.close();
    // Input the filter left unread is dropped, so whoever writes into it never waits forever.
    while ((await this.input.read()) !== null);
  }

  private touch(): void {
    this.touched = true;
    this.decide?.();
  }

  private checkOpen(what: string): void {
    if (this.isClosed) throw new TsmodError(ErrorCode.FILTER_CLOSED, `filter ${this.name}: ${what} after close()`);
  }
}
