const AMP = 0x26;
const SEMICOLON = 0x3b;
const EQUALS = 0x3d;
const PLUS = 0x2b;
const PERCENT = 0x25;
const SPACE = 0x20;

/**
 * Incremental `application/x-www-form-urlencoded` decoder with mod_python's `parse_qsl` rules:
 *
 *   pairs  = pair *( ( "&" / ";" ) pair )
 *   pair   = name [ "=" value ]      ; the first "=" ends the name, later ones are value bytes
 *   "+"    = a space; "%" HEXDIG HEXDIG = that byte
 *
 * A "%" not followed by two hex digits is kept as text rather than rejected: scripts send such
 * strings and mod_python accepted them. Output is raw bytes, chunk by chunk, so the caller picks
 * the charset once it has seen the whole form (a `_charset_` field may come last).
 */
export class UrlencodedDecoder {
  private readonly name = new ByteBuffer();
  private readonly value = new ByteBuffer();
  private inValue = false;
  /** 0: no escape pending; 1: saw "%"; 2: saw "%" and the hex digit in `escapeHigh`. */
  private escape = 0;
  private escapeHigh = 0;

  /**
   * @param onPair receives every pair, blank values included; empty pairs (`&&`) are skipped.
   * @param limit `exceeded` is called, and must throw, once a name or value passes `max` bytes.
   */
  constructor(
    private readonly onPair: (name: Buffer, value: Buffer) => void,
    private readonly limit?: { max: number; exceeded(name: Buffer): never },
  ) {}

  write(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.escape !== 0) {
        this.continueEscape(chunk[i]);
        i++;
        continue;
      }
      let run = i;
      while (run < chunk.length && !isSpecial(chunk[run])) run++;
      if (run > i) this.append(chunk, i, run);
      if (run === chunk.length) return;
      this.special(chunk[run]);
      i = run + 1;
    }
  }

  end(): void {
    this.flushEscape();
    this.endPair();
  }

  private special(byte: number): void {
    switch (byte) {
      case AMP:
      case SEMICOLON:
        this.endPair();
        break;
      case EQUALS:
        if (this.inValue) this.appendByte(EQUALS);
        else this.inValue = true;
        break;
      case PLUS:
        this.appendByte(SPACE);
        break;
      case PERCENT:
        this.escape = 1;
        break;
    }
  }

  private continueEscape(byte: number): void {
    if (hexValue(byte) < 0) {
      this.flushEscape();
      if (isSpecial(byte)) this.special(byte);
      else this.appendByte(byte);
    } else if (this.escape === 1) {
      this.escape = 2;
      this.escapeHigh = byte;
    } else {
      this.escape = 0;
      this.appendByte((hexValue(this.escapeHigh) << 4) | hexValue(byte));
    }
  }

  /** An unfinished escape is literal text. */
  private flushEscape(): void {
    if (this.escape === 0) return;
    const pending = this.escape;
    this.escape = 0;
    this.appendByte(PERCENT);
    if (pending === 2) this.appendByte(this.escapeHigh);
  }

  private endPair(): void {
    if (this.escape !== 0) this.flushEscape();
    if (this.name.length === 0 && this.value.length === 0 && !this.inValue) return;
    const name = this.name.take();
    const value = this.value.take();
    this.inValue = false;
    this.onPair(name, value);
  }

  private append(bytes: Uint8Array, start: number, end: number): void {
    const target = this.inValue ? this.value : this.name;
    target.append(bytes, start, end);
    this.checkLimit(target);
  }

  private appendByte(byte: number): void {
    const target = this.inValue ? this.value : this.name;
    target.appendByte(byte);
    this.checkLimit(target);
  }

  private checkLimit(target: ByteBuffer): void {
    if (this.limit && target.length > this.limit.max) this.limit.exceeded(this.name.peek());
  }
}

function isSpecial(byte: number): boolean {
  return byte === AMP || byte === SEMICOLON || byte === EQUALS || byte === PLUS || byte === PERCENT;
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/** A growable byte array; decoded bytes mostly arrive one at a time. */
class ByteBuffer {
  private bytes = Buffer.allocUnsafe(64);
  length = 0;

  append(source: Uint8Array, start: number, end: number): void {
    this.reserve(end - start);
    this.bytes.set(source.subarray(start, end), this.length);
    this.length += end - start;
  }

  appendByte(byte: number): void {
    this.reserve(1);
    this.bytes[this.length++] = byte;
  }

  /** The bytes so far, without copying; only valid until the next write. */
  peek(): Buffer {
    return this.bytes.subarray(0, this.length);
  }

  /** The bytes so far as a copy of their own; the buffer is empty afterwards. */
  take(): Buffer {
    const out = Buffer.from(this.peek());
    this.length = 0;
    return out;
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.length + extra));
    this.bytes.copy(grown, 0, 0, this.length);
    this.bytes = grown;
  }
}
