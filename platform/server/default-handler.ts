import * as fs from "node:fs";
import * as path from "node:path";
import { DONE, HTTP_FORBIDDEN, HTTP_METHOD_NOT_ALLOWED, HTTP_MOVED_PERMANENTLY, HTTP_NOT_FOUND, OK } from "../constants";
import type { Request } from "../request";

/** Handler-module sources are never served as static files, even where a handler declined. */
const SOURCE_EXTENSIONS = new Set([".ts", ".mts", ".cts", ".psp"]);

/**
 * Apache's default handler: serves the file a request mapped to. Folders redirect to add a
 * trailing slash, then go to the first `DirectoryIndex` file that exists.
 */
export async function defaultHandler(req: Request): Promise<number> {
  const st = req._state.finfo;
  if (!req.filename || !st || req.pathInfo) return HTTP_NOT_FOUND;
  if (st.isDirectory()) return directory(req);
  if (!st.isFile()) return HTTP_FORBIDDEN;
  if (SOURCE_EXTENSIONS.has(path.extname(req.filename).toLowerCase()) || isLoadedModule(req, req.filename)) return HTTP_NOT_FOUND;
  if (req.method !== "GET" && req.method !== "HEAD") {
    req.allowMethods(["GET", "HEAD"], true);
    return HTTP_METHOD_NOT_ALLOWED;
  }
  req.updateMtime(st.mtimeMs / 1000);
  req.setLastModified();
  req.setEtag();
  const cond = req.meetsConditions();
  if (cond !== OK) return cond;
  req.setContentLength(st.size);
  if (req.headerOnly) return OK;
  await req.sendfile(req.filename);
  return OK;
}

async function directory(req: Request): Promise<number> {
  if (!req.uri.endsWith("/")) {
    req.headersOut.set("Location", req.constructUrl(req.uri + "/") + (req.args !== null ? `?${req.args}` : ""));
    return HTTP_MOVED_PERMANENTLY;
  }
  for (const name of req._state.dir.directoryIndex ?? ["index.html"]) {
    const candidate = path.join(req.filename!, name);
    if (fs.statSync(candidate, { throwIfNoEntry: false })?.isFile()) {
      await req.internalRedirect(req.uri + name + (req.args !== null ? `?${req.args}` : ""));
      return DONE;
    }
  }
  return HTTP_FORBIDDEN;
}

function isLoadedModule(req: Request, filename: string): boolean {
  return req._state.runtime.registry(req.interpreter).get(filename) !== undefined;
}
