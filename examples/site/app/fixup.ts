import { OK, type Request } from "tsmod";

/** Runs for every request under the document root, static files included. */
export function fixuphandler(req: Request): number {
  req.headersOut.set("X-Served-By", "tsmod demo fixup");
  return OK;
}
