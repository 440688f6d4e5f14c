const START = Buffer.from("<!--#");
const END = Buffer.from("-->");
/** An element longer than this is not one: it goes out as text (a stray `<!--#` cannot make the filter hold the page). */
const MAX_ELEMENT = 64 * 1024;

export type SsiToken = { readonly text: Buffer } | { readonly element: string };

/**
 * Splits a streamed page into text and `<!--# ... -->` elements as chunks arrive: text goes on
 * at once, only a possible element start at a chunk's end is held back for the next chunk.
 */
export class SsiScanner {
  private held: Buffer = Buffer.alloc(0);

  /** The tokens complete so far in what has arrived. */
  *push(chunk: Buffer): Generator<SsiToken> {
    let buf: Buffer = this.held.length ? Buffer.concat([this.held, chunk]) : chunk;
    for (;;) {
      const start = buf.indexOf(START);
      if (start < 0) {
        const keep = partialStart(buf);
        if (buf.length > keep) yield { text: buf.subarray(0, buf.length - keep) };
        this.held = buf.subarray(buf.length - keep);
        return;
      }
      if (start > 0) yield { text: buf.subarray(0, start) };
      const end = buf.indexOf(END, start + START.length);
      if (end < 0) {
        if (buf.length - start > MAX_ELEMENT) {
          yield { text: buf.subarray(start, start + START.length) };
          buf = buf.subarray(start + START.length);
          continue;
        }
        this.held = Buffer.from(buf.subarray(start));
        return;
      }
      yield { element: buf.subarray(start + START.length, end).toString("utf8") };
      buf = buf.subarray(end + END.length);
    }
  }

  /** What is left at the end of the stream: an unfinished element is text. */
  end(): Buffer {
    const rest = this.held;
    this.held = Buffer.alloc(0);
    return rest;
  }
}

/** How many bytes at the end of `buf` could be the beginning of `<!--#`. */
function partialStart(buf: Buffer): number {
  for (let n = Math.min(START.length - 1, buf.length); n > 0; n--) {
    if (buf.subarray(buf.length - n).equals(START.subarray(0, n))) return n;
  }
  return 0;
}

export interface SsiElement {
  readonly name: string;
  /** Attributes in order (`if`/`set` and `include` may repeat them). */
  readonly attrs: ReadonlyArray<readonly [string, string]>;
}

/** `echo var="X" encoding='none'` → name and attributes; values may be quoted with `"`, `'` or `` ` ``, with `\` escapes. */
export function parseElement(source: string): SsiElement {
  const m = /^\s*([A-Za-z]+)/.exec(source);
  if (!m) throw new Error(`'<!--#${source.slice(0, 40)}-->' names no element`);
  const attrs: Array<[string, string]> = [];
  let i = m[0].length;
  const s = source;
  for (;;) {
    while (i < s.length && /\s/.test(s[i])) i++;
    if (i >= s.length) break;
    const name = /^[A-Za-z_][\w-]*/.exec(s.slice(i));
    if (!name) throw new Error(`unexpected '${s.slice(i, i + 20)}' in <!--#${m[1]}-->`);
    i += name[0].length;
    while (i < s.length && /\s/.test(s[i])) i++;
    if (s[i] !== "=") {
      attrs.push([name[0].toLowerCase(), ""]);
      continue;
    }
    i++;
    while (i < s.length && /\s/.test(s[i])) i++;
    let value = "";
    const quote = s[i];
    if (quote === '"' || quote === "'" || quote === "`") {
      i++;
      while (i < s.length && s[i] !== quote) {
        if (s[i] === "\\" && s[i + 1] === quote) i++;
        value += s[i++];
      }
      if (i >= s.length) throw new Error(`unterminated ${quote} in <!--#${m[1]}-->`);
      i++;
    } else {
      while (i < s.length && !/\s/.test(s[i])) value += s[i++];
    }
    attrs.push([name[0].toLowerCase(), value]);
  }
  return { name: m[1].toLowerCase(), attrs };
}
