import * as fs from "node:fs";
import * as path from "node:path";
import type { VirtualServer } from "../config/model";

/**
 * Apache's default URI-to-file translation: the first matching `Alias`/`AliasMatch`, else
 * `DocumentRoot` + URI.
 */
export function translateUri(server: VirtualServer, uri: string): string {
  for (const a of server.aliases) {
    if (a.fromPath !== null) {
      const from = a.fromPath;
      if (uri === from || uri.startsWith(from.endsWith("/") ? from : from + "/")) {
        return path.join(a.target, uri.slice(from.length));
      }
    } else if (a.fromRegex) {
      const m = a.fromRegex.exec(uri);
      if (m) return a.target.replace(/\$(\d)/g, (_, n: string) => m[Number(n)] ?? "");
    }
  }
  return server.documentRoot + uri;
}

export interface StorageMapping {
  filename: string;
  pathInfo: string;
  finfo: fs.Stats | null;
}

/**
 * Apache's directory walk, reduced to what matters: the longest existing prefix of the path
 * is the file, the rest is `pathInfo` (`/app.ts/func` → `app.ts` + `/func`). Stops at the
 * first non-directory, so it never looks below a file.
 */
export function mapToStorage(filename: string, root: string): StorageMapping {
  let file = filename;
  let pathInfo = "";
  for (;;) {
    const st = statOrNull(file);
    if (st) {
      // A folder followed by a missing name is a missing file, not a folder with path info.
      if (st.isDirectory() && pathInfo !== "") return { filename, pathInfo: "", finfo: null };
      return { filename: file, pathInfo, finfo: st };
    }
    const slash = file.lastIndexOf("/");
    if (slash <= root.length || slash <= 0) return { filename, pathInfo: "", finfo: null };
    pathInfo = file.slice(slash) + pathInfo;
    file = file.slice(0, slash);
  }
}

/**
 * Synchronous on purpose, as Apache's directory walk is: a stat answered from the kernel's
 * cache takes a microsecond or two, far less than a round trip through libuv's thread pool
 * (measured at ~15% of a PSP page's CPU time). A document root on a slow network file system
 * would stall the event loop; keep such content behind ProxyPass instead.
 */
function statOrNull(p: string): fs.Stats | null {
  try {
    return fs.statSync(p, { throwIfNoEntry: false }) ?? null;
  } catch {
    return null;
  }
}
