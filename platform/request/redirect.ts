import { DONE, HTTP_MOVED_PERMANENTLY, HTTP_MOVED_TEMPORARILY } from "../constants";
import { ErrorCode, ServerReturn, TsmodError } from "../errors";
import type { Request } from "./request";

/**
 * mod_python's `util.redirect`: answers with a redirect to `location` (sent as given, not
 * made absolute) and ends the request by throwing `ServerReturn(DONE)`, so no later phase
 * runs. Output written before is dropped; once output has reached the client it is too late.
 * A location that a browser would read as protocol-relative (`//evil.example/`) is taken as
 * the path it looks like instead: see `sameSiteLocation`.
 */
export async function redirect(req: Request, location: string, permanent = false, text?: string): Promise<never> {
  const output = req._state.output;
  if (output.headersSent) throw new TsmodError(ErrorCode.HEADERS_SENT, "redirect: the response has already started");
  output.discard();
  const target = sameSiteLocation(location);
  req.errHeadersOut.set("Location", target);
  req.status = permanent ? HTTP_MOVED_PERMANENTLY : HTTP_MOVED_TEMPORARILY;
  req.contentType = "text/html; charset=utf-8";
  await req.write(text ?? `<html><body><p>The document has moved <a href="${target.replace(/"/g, "&quot;")}">here</a>.</p></body></html>\n`);
  throw new ServerReturn(DONE);
}

/**
 * `location` with its leading run of slashes collapsed to one when a browser would read it
 * as protocol-relative: two or more `/` or `\` (browsers take `\` for `/`), possibly with tabs
 * or newlines between them (browsers drop those) and spaces or controls before them (browsers
 * strip those). Such a target is usually a "next page" parameter a client supplied, and
 * `//evil.example/` would send the visitor to another host; as `/evil.example/` it stays a path
 * on this site. A redirect to another host names its scheme (`https://...`), and is kept.
 */
export function sameSiteLocation(location: string): string {
  let i = 0;
  while (i < location.length && location.charCodeAt(i) <= 0x20) i++;
  let slashes = 0;
  let end = i;
  for (; end < location.length; end++) {
    const c = location[end];
    if (c === "/" || c === "\\") slashes++;
    else if (c !== "\t" && c !== "\n" && c !== "\r") break;
  }
  return slashes >= 2 ? "/" + location.slice(end) : location;
}
