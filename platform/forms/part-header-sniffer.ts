import { getDecoder, parseContentType, parseDisposition } from "busboy/lib/utils";

/** What busboy's `field`/`file` events do not tell: how the part declared its text. */
export interface PartMeta {
  /** The `name` parameter, as busboy reports it with a latin1 parameter charset. */
  readonly name: string | undefined;
  /** The part's own `charset` parameter, if any. */
  readonly charset: string | undefined;
  /** The file name came from an RFC 5987 `filename*` parameter and is already decoded. */
  readonly extendedFilename: boolean;
}

const CRLF = Buffer.from("\r\n");
const HEADER_END = Buffer.from("\r\n\r\n");
const EMPTY = Buffer.alloc(0);
const LATIN1 = getDecoder("latin1");
/** busboy gives up on part headers longer than this (node's own header limit). */
const MAX_HEADER_BYTES = 16 * 1024;

/** In order: the states from `Closed` on are final. */
const enum State {
  Search,
  AfterDelimiter,
  Headers,
  /** Past the closing delimiter: the rest is epilogue. */
  Closed,
  /** A part's headers grew past busboy's limit; busboy fails the form, nothing more to record. */
  GaveUp,
}

/**
 * Watches the bytes busboy is given and records each form-data part's headers, in order.
 *
 * busboy 1.6 decodes a text part with the part's own `charset` but never says whether there
 * was one, so tsmod could not tell a declared charset from the form's default, which comes
 * from a `_charset_` field that may arrive last. So busboy decodes parts that declare nothing
 * as latin1 (lossless), this sniffer says which parts those are, and they are decoded once
 * the whole form is read. It follows busboy's framing (RFC 7578 / RFC 2046 §5.1.1):
 *
 *   delimiter = CRLF "--" boundary        ; busboy acts as if the body started with a CRLF
 *   after it, "--" ends the form, CRLF starts a part's headers, anything else is data
 *   headers end at the first CRLF CRLF
 *
 * and skips parts busboy skips (no Content-Disposition, or not `form-data`).
 *
 * It also says where the form ends. busboy 1.6 stops parsing at the closing delimiter only
 * between writes: within one chunk it goes on and opens the parts it finds in the epilogue,
 * and a file part opened there waits for its end forever, holding its temporary file. So
 * busboy is given the bytes up to the closing delimiter only; RFC 2046 §5.1.1 says the
 * epilogue is to be ignored anyway.
 */
export class PartHeaderSniffer {
  private readonly delimiter: Buffer;
  private state = State.Search;
  /** Search: the last bytes seen, which may begin a delimiter. */
  private tail: Buffer = CRLF;
  /** AfterDelimiter: the first byte following it, once seen. */
  private afterFirst = -1;
  /** Headers: the header bytes so far. */
  private header: Buffer = EMPTY;
  private readonly parts: PartMeta[] = [];

  constructor(boundary: string) {
    // UTF-8, as busboy's streamsearch encodes the same string (it matters only for the
    // non-ASCII boundaries RFC 2046 forbids).
    this.delimiter = Buffer.from(`\r\n--${boundary}`);
  }

  /** Whether the closing delimiter has been seen. */
  get closed(): boolean {
    return this.state === State.Closed;
  }

  /**
   * Records what `chunk` holds and answers how many of its bytes belong to the form: all of
   * them, unless the closing delimiter ends in it (then up to that), or none once it has.
   */
  push(chunk: Buffer): number {
    let pos = 0;
    while (pos < chunk.length && this.state < State.Closed) {
      if (this.state === State.Search) pos = this.search(chunk, pos);
      else if (this.state === State.AfterDelimiter) pos = this.afterDelimiter(chunk, pos);
      else pos = this.headers(chunk, pos);
    }
    return this.state === State.Closed ? pos : chunk.length;
  }

  /**
   * The recorded headers of the next part busboy reports, matched by name so that a part the
   * two parsers judged differently cannot shift every later part; `undefined` if none matches.
   */
  next(name: string | undefined): PartMeta | undefined {
    const index = this.parts.findIndex((p) => p.name === name);
    if (index < 0) return undefined;
    return this.parts.splice(0, index + 1)[index];
  }

  private search(chunk: Buffer, pos: number): number {
    const overlap = this.delimiter.length - 1;
    if (this.tail.length > 0) {
      const head = chunk.subarray(pos, pos + overlap);
      const joined = Buffer.concat([this.tail, head]);
      const found = joined.indexOf(this.delimiter);
      if (found >= 0) {
        const carried = this.tail.length;
        this.tail = EMPTY;
        this.state = State.AfterDelimiter;
        return pos + found + this.delimiter.length - carried;
      }
      if (head.length < overlap) {
        this.tail = Buffer.from(joined.subarray(Math.max(0, joined.length - overlap)));
        return chunk.length;
      }
      this.tail = EMPTY;
    }
    const found = chunk.indexOf(this.delimiter, pos);
    if (found >= 0) {
      this.state = State.AfterDelimiter;
      return found + this.delimiter.length;
    }
    this.tail = Buffer.from(chunk.subarray(Math.max(pos, chunk.length - overlap)));
    return chunk.length;
  }

  private afterDelimiter(chunk: Buffer, pos: number): number {
    if (this.afterFirst < 0) {
      this.afterFirst = chunk[pos];
      return pos + 1;
    }
    const first = this.afterFirst;
    const second = chunk[pos];
    this.afterFirst = -1;
    if (first === 0x2d && second === 0x2d) {
      this.state = State.Closed;
      return pos + 1;
    }
    if (first === 0x0d && second === 0x0a) {
      this.state = State.Headers;
      return pos + 1;
    }
    // Not a delimiter after all, so both bytes are data. Only the second can begin the next
    // delimiter (a CR first would have needed an LF second), so searching resumes there.
    this.state = State.Search;
    return pos;
  }

  private headers(chunk: Buffer, pos: number): number {
    const seen = this.header.length;
    this.header = Buffer.concat([this.header, chunk.subarray(pos)]);
    const end = this.header.indexOf(HEADER_END, Math.max(0, seen - (HEADER_END.length - 1)));
    if (end < 0) {
      // busboy rejects such a part; nothing after it is worth recording.
      if (this.header.length > MAX_HEADER_BYTES) this.state = State.GaveUp;
      return chunk.length;
    }
    this.record(this.header.subarray(0, end).toString("latin1"));
    this.header = EMPTY;
    this.state = State.Search;
    return pos + end + HEADER_END.length - seen;
  }

  private record(block: string): void {
    const fields = new Map<string, string>();
    for (const line of block.replace(/\r\n(?=[ \t])/g, "").split("\r\n")) {
      const colon = line.indexOf(":");
      const name = line.slice(0, colon).toLowerCase();
      if (colon > 0 && !fields.has(name)) fields.set(name, line.slice(colon + 1).trimStart());
    }
    const disposition = parseDisposition(fields.get("content-disposition") ?? "", LATIN1);
    if (!disposition || disposition.type !== "form-data") return;
    const params = disposition.params ?? {};
    const contentType = fields.get("content-type");
    this.parts.push({
      name: params.name,
      charset: contentType === undefined ? undefined : parseContentType(contentType)?.params.charset,
      extendedFilename: params["filename*"] !== undefined,
    });
  }
}
