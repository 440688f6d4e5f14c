import * as fs from "node:fs";
import * as path from "node:path";
import type { VirtualServer } from "../config";
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

/** How long a root's resolved path is reused: a deploy that switches a symlinked root is seen within this. */
const ROOT_CACHE_MS = 1000;
const realRoots = new Map<string, { real: string; until: number }>();

function realpath(p: string): Promise<string> {
  return new Promise((resolve, reject) => fs.realpath.native(p, (err, real) => (err ? reject(err) : resolve(real))));
}

async function realRoot(root: string): Promise<string> {
  const now = Date.now();
  const cached = realRoots.get(root);
  if (cached && cached.until > now) return cached.real;
  const real = await realpath(root);
  realRoots.set(root, { real, until: now + ROOT_CACHE_MS });
  return real;
}

/**
 * True when symbolic links lead from the mapped root to somewhere outside it. Without
 * `Options FollowSymLinks` such files are refused; links that stay inside the root are fine.
 * The file is resolved on every request; the root's resolution is reused for a second.
 */
export async function leavesRoot(req: Request, filename: string): Promise<boolean> {
  if (req._state.dir.optionFlags.get("FollowSymLinks")) return false;
  const root = mappedRoot(req.server.config, filename);
  try {
    const [realFile, real] = await Promise.all([realpath(filename), realRoot(root)]);
    return !within(realFile, real);
  } catch {
    return true;
  }
}
