/** What Node refuses in a header value or reason phrase: CR, LF, NUL, other controls, code points above U+00FF. */
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
/** RFC 9110's `token`: what a header name may be. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const SHOWN = 120;

/**
 * Why Node refused a response head (`writeHead` threw `nodeError`), naming the part at fault
 * the way Apache's `check_headers` does. `flat` is the name/value list handed to Node.
 */
export function describeBadHead(status: number, statusLine: string | null, flat: readonly string[], nodeError: unknown): string {
  if (!Number.isInteger(status) || status < 100 || status > 999) return `Response status ${status} is not a valid HTTP status, aborting request`;
  if (statusLine !== null && INVALID_VALUE.test(statusLine)) return `Response status line '${shown(statusLine)}' contains invalid characters, aborting request`;
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const name = String(flat[i]);
    if (!TOKEN.test(name)) return `Response header name '${shown(name)}' contains invalid characters, aborting request`;
    const value = String(flat[i + 1]);
    if (INVALID_VALUE.test(value)) return `Response header '${name}' value of '${shown(value)}' contains invalid characters, aborting request`;
  }
  return `Response head refused: ${(nodeError as Error).message ?? nodeError}`;
}

function shown(text: string): string {
  return text.length > SHOWN ? `${text.slice(0, SHOWN)}...` : text;
}
