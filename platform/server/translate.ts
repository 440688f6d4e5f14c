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
export async function mapToStorage(filename: string, root: string): Promise<StorageMapping> {
  let file = filename;
  let pathInfo = "";
  for (;;) {
    const st = await statOrNull(file);
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

function statOrNull(p: string): Promise<fs.Stats | null> {
  return new Promise((resolve) => fs.stat(p, (err, st) => resolve(err ? null : st)));
}
