/** Control characters Apache's log escaping names; any other is written `\xhh`. */
const NAMED: Record<string, string> = { "\b": "\\b", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v" };

/** Characters the access log escapes: controls, quotes, backslashes and everything past ASCII. */
const ACCESS_SPECIAL = /[\x00-\x1f"\\\x7f-\uffff]/;
/** Characters the error log escapes: C0 and C1 controls and DEL (its lines break at `\n`). */
const ERROR_SPECIAL = /[\x00-\x09\x0b-\x1f\x7f-\x9f]/;

/**
 * Apache's `ap_escape_logitem`, for access-log values: quotes and backslashes get a backslash,
 * named controls (`\n`, `\t`, ...) their letter, every other control and non-ASCII byte `\xhh`
 * (characters up to U+00FF as their Latin-1 byte, as Node decodes header bytes; others as UTF-8).
 */
export function escapeLogItem(value: string): string {
  if (!ACCESS_SPECIAL.test(value)) return value;
  let out = "";
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === "\\") out += "\\" + ch;
    else if (code < 0x20 || code === 0x7f) out += NAMED[ch] ?? hex(code);
    else if (code > 0x7f) for (const byte of Buffer.from(ch, code <= 0xff ? "latin1" : "utf8")) out += hex(byte);
    else out += ch;
  }
  return out;
}

/**
 * One error-log line's text escaped as Apache's `ap_escape_errorlog_item` escapes control
 * characters (ESC as `\x1b`, CR as `\r`, ...), so no client or handler text can drive a
 * terminal or rewrite a line. Quotes, backslashes and printable non-ASCII text are left as
 * they are: messages keep their own quoting and stay readable in any language.
 */
export function escapeErrorLogText(line: string): string {
  if (!ERROR_SPECIAL.test(line)) return line;
  let out = "";
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    const code = line.charCodeAt(i);
    out += code < 0x20 || (code >= 0x7f && code <= 0x9f) ? (NAMED[ch] ?? hex(code)) : ch;
  }
  return out;
}

function hex(byte: number): string {
  return "\\x" + byte.toString(16).padStart(2, "0");
}
