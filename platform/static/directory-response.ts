import * as fs from "node:fs";
import * as path from "node:path";
import { DONE, HTTP_FORBIDDEN, HTTP_METHOD_NOT_ALLOWED, HTTP_MOVED_PERMANENTLY, OK } from "../constants";
import { escapeHtml } from "../html";
import type { Request } from "../request";
import { encodeUrlPath } from "../url-path";
import { isHiddenName } from "./protected-files";

/**
 * A request for a folder: without a trailing slash, a 301 that adds it; then the first
 * `DirectoryIndex` file that exists (an internal redirect, so its handler runs); then a
 * listing where `Options Indexes` allows it; otherwise 403.
 */
export async function serveDirectory(req: Request, dirname: string, index: readonly string[]): Promise<number> {
  const query = req.args !== null ? `?${req.args}` : "";
  if (!req.uri.endsWith("/")) {
    req.headersOut.set("Location", req.constructUrl(encodeUrlPath(req.uri) + "/") + query);
    return HTTP_MOVED_PERMANENTLY;
  }
  for (const name of index) {
    const st = await fs.promises.stat(path.join(dirname, name)).catch(() => null);
    if (st?.isFile()) {
      await req.internalRedirect(encodeUrlPath(req.uri + name) + query);
      return DONE;
    }
  }
  if (!req._state.plan.core.optionFlags.get("Indexes")) {
    req.notes.set("error-notes", "Directory index forbidden by Options directive.");
    return HTTP_FORBIDDEN;
  }
  if (req.method !== "GET" && req.method !== "HEAD") {
    req.errHeadersOut.set("Allow", "GET, HEAD");
    return HTTP_METHOD_NOT_ALLOWED;
  }
  req.contentType = "text/html; charset=utf-8";
  if (!req.headerOnly) await req.write(await listing(req.uri, dirname));
  return OK;
}

/** mod_autoindex's plain list: names HTML-escaped in text, percent-encoded in links. */
async function listing(uri: string, dirname: string): Promise<string> {
  const entries = await fs.promises.readdir(dirname, { withFileTypes: true });
  const items: string[] = [];
  const sorted = entries.filter((e) => !isHiddenName(e.name)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of sorted) {
    const isDir = e.isDirectory() || (e.isSymbolicLink() && (await fs.promises.stat(path.join(dirname, e.name)).catch(() => null))?.isDirectory() === true);
    const slash = isDir ? "/" : "";
    items.push(`<li><a href="${escapeHtml(encodeURIComponent(e.name) + slash)}">${escapeHtml(e.name + slash)}</a></li>`);
  }
  const title = `Index of ${escapeHtml(uri)}`;
  const parent = uri === "/" ? "" : `<li><a href="../">Parent Directory</a></li>\n`;
  return (
    `<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>${title}</title>\n</head>\n<body>\n<h1>${title}</h1>\n` +
    `<ul>\n${parent}${items.join("\n")}${items.length ? "\n" : ""}</ul>\n</body>\n</html>\n`
  );
}
