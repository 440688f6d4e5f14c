import * as fs from "node:fs";
import * as path from "node:path";
import type { VirtualServer } from "../config/model";
import type { Request } from "../request";

/** The folders a server maps URLs into: DocumentRoot and every Alias/AliasMatch target. */
const rootsOf = new WeakMap<VirtualServer, string[]>();

function roots(server: VirtualServer): string[] {
  let list = rootsOf.get(server);
  if (!list) {
    list = [server.documentRoot];
    for (const a of server.aliases) {
      if (a.fromPath !== null) list.push(a.target.replace(/(.)\/+$/, "$1"));
      else {
        // An AliasMatch target is a template: its root is the literal folder before the first `$`.
        const literal = a.target.slice(0, a.target.indexOf("$") >= 0 ? a.target.indexOf("$") : undefined);
        list.push(literal.endsWith("/") ? literal.replace(/(.)\/+$/, "$1") : path.dirname(literal));
      }
    }
    list.sort((a, b) => b.length - a.length);
    rootsOf.set(server, list);
  }
  return list;
}

function within(file: string, root: string): boolean {
  return file === root || file.startsWith(root === "/" ? "/" : root + "/");
}

/**
 * The mapped root a file was reached through: the longest DocumentRoot/Alias target that
 * contains it, or (for a file a TsTransHandler chose elsewhere) the file's own folder.
 */
export function mappedRoot(server: VirtualServer, filename: string): string {
  return roots(server).find((r) => within(filename, r)) ?? path.dirname(filename);
}

/**
 * True when symbolic links lead from the mapped root to somewhere outside it. Without
 * `Options FollowSymLinks` such files are refused; links that stay inside the root are fine.
 * Resolved per request (not cached), so a root that is itself a symlink may be switched.
 */
export async function leavesRoot(req: Request, filename: string): Promise<boolean> {
  if (req._state.dir.optionFlags.get("FollowSymLinks")) return false;
  const root = mappedRoot(req.server.config, filename);
  try {
    const [realFile, realRoot] = await Promise.all([fs.promises.realpath(filename), fs.promises.realpath(root)]);
    return !within(realFile, realRoot);
  } catch {
    return true;
  }
}
