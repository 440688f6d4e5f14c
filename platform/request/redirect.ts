import { DONE, HTTP_MOVED_PERMANENTLY, HTTP_MOVED_TEMPORARILY } from "../constants";
import { ErrorCode, ServerReturn, TsmodError } from "../errors";
import type { Request } from "./request";

/**
 * mod_python's `util.redirect`: answers with a redirect to `location` (sent as given, not
 * made absolute) and ends the request by throwing `ServerReturn(DONE)`, so no later phase
 * runs. Output written before is dropped; once output has reached the client it is too late.
 */
export async function redirect(req: Request, location: string, permanent = false, text?: string): Promise<never> {
  const output = req._state.output;
  if (output.headersSent) throw new TsmodError(ErrorCode.HEADERS_SENT, "redirect: the response has already started");
  output.discard();
  req.errHeadersOut.set("Location", location);
  req.status = permanent ? HTTP_MOVED_PERMANENTLY : HTTP_MOVED_TEMPORARILY;
  req.contentType = "text/html; charset=utf-8";
  await req.write(text ?? `<html><body><p>The document has moved <a href="${location.replace(/"/g, "&quot;")}">here</a>.</p></body></html>\n`);
  throw new ServerReturn(DONE);
}
