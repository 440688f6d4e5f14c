import { TextDecoder } from "node:util";

/** The field whose value names the charset a browser encoded the form in (HTML, "_charset_"). */
export const CHARSET_FIELD = "_charset_";

// Only labels TextDecoder accepts are cached (a finite set), so clients cannot grow the map.
const decoders = new Map<string, TextDecoder>();

/**
 * The WHATWG name of the charset `label` stands for, or `undefined` when Node cannot decode it.
 */
export function charsetName(label: string | undefined): string | undefined {
  return label === undefined ? undefined : decoderFor(label)?.encoding;
}

/**
 * Decodes form bytes in `charset` (a label `charsetName` accepted). Invalid sequences become
 * U+FFFD rather than errors: a form with one bad byte is still a form. A byte-order mark is
 * kept, because it is part of the value the client sent.
 */
export function decodeText(bytes: Uint8Array, charset: string): string {
  const decoder = decoderFor(charset);
  if (!decoder) throw new RangeError(`unknown charset ${charset}`);
  return decoder.decode(bytes);
}

function decoderFor(label: string): TextDecoder | undefined {
  const key = label.trim().toLowerCase();
  let decoder = decoders.get(key);
  if (!decoder) {
    try {
      decoder = new TextDecoder(key, { ignoreBOM: true });
    } catch {
      return undefined;
    }
    decoders.set(key, decoder);
  }
  return decoder;
}
