import { HTTP_FORBIDDEN, HTTP_NOT_FOUND } from "../constants";
import type { Request } from "../request";
import { currentStat } from "../current-stat";
import { serveDirectory } from "./directory-response";
import { serveFile } from "./file-response";
import { leavesRoot } from "./mapped-root";
import { isHandlerSource, isHtFile } from "./protected-files";
import type { StaticConfig } from "./directives";

/**
 * Apache's default handler: serves the file or folder a request mapped to, if it is
 * neither protected nor handler code and stays inside its mapped root.
 */
export async function defaultHandler(req: Request, config: StaticConfig): Promise<number> {
  const filename = req.filename;
  if (!filename || !req._state.finfo || req.pathInfo) return HTTP_NOT_FOUND;
  // The URL mapping's stat may be a second old: what is sent must match the file as it is now.
  const st = currentStat(filename);
  if (!st) return HTTP_NOT_FOUND;
  req._state.finfo = st;
  if (isHtFile(filename)) return HTTP_FORBIDDEN;
  if (!st.isDirectory() && isHandlerSource(req, filename)) return HTTP_NOT_FOUND;
  if (await leavesRoot(req, filename)) {
    req.logError(`Symbolic link not allowed or link target not accessible: ${filename}`);
    return HTTP_FORBIDDEN;
  }
  if (st.isDirectory()) return serveDirectory(req, filename, config.directoryIndex);
  if (!st.isFile()) return HTTP_FORBIDDEN;
  return serveFile(req, filename, st);
}
