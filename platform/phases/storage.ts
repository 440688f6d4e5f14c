import * as fs from "node:fs";
import { currentStat } from "../current-stat";
import { TtlCache } from "../ttl-cache";

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

const found = new TtlCache<fs.Stats>();

/**
 * Synchronous on purpose, as Apache's directory walk is: a stat answered from the kernel's
 * cache takes a microsecond or two, far less than a round trip through libuv's thread pool
 * (measured at ~15% of a PSP page's CPU time). A document root on a slow network file system
 * would stall the event loop; keep such content behind ProxyPass instead.
 *
 * Paths that exist are remembered for a second (the stat was still ~6 us, 10% of a PSP
 * page): the mapping and the sections it selects follow a change within that time, like the
 * reloader's checks. The default handler stats the file it sends afresh. Missing paths are
 * asked every time, so a new file is found at once.
 */
function statOrNull(p: string): fs.Stats | null {
  const now = Date.now();
  const hit = found.get(p, now);
  if (hit) return hit;
  const st = currentStat(p);
  if (st) found.set(p, st, now);
  return st;
}
