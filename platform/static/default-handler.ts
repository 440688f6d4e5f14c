import { HTTP_FORBIDDEN, HTTP_NOT_FOUND } from "../constants";
import type { Request } from "../request";
import { serveDirectory } from "./directory-response";
import { serveFile } from "./file-response";
import { leavesRoot } from "./mapped-root";
import { isHandlerSource, isHtFile } from "./protected-files";

/**
 * Apache's default handler: serves the file or folder a request mapped to, if it is
 * neither protected nor handler code and stays inside its mapped root.
 */
export async function defaultHandler(req: Request): Promise<number> {
  const st = req._state.finfo;
  const filename = req.filename;
  if (!filename || !st || req.pathInfo) return HTTP_NOT_FOUND;
  if (isHtFile(filename)) return HTTP_FORBIDDEN;
  if (!st.isDirectory() && isHandlerSource(req, filename)) return HTTP_NOT_FOUND;
  if (await leavesRoot(req, filename)) {
    req.logError(`Symbolic link not allowed or link target not accessible: ${filename}`);
    return HTTP_FORBIDDEN;
  }
  if (st.isDirectory()) return serveDirectory(req, filename);
  if (!st.isFile()) return HTTP_FORBIDDEN;
  return serveFile(req, filename, st);
}
