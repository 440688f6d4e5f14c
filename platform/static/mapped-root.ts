import * as fs from "node:fs";
import * as path from "node:path";
import type { Request } from "../request";

function within(file: string, root: string): boolean {
  return file === root || file.startsWith(root === "/" ? "/" : root + "/");
}

/**
 * The mapped root a file was reached through: the folder translation mapped the URL into, or
 * for a file a TsTransHandler chose, the DocumentRoot when it holds the file, else the file's
 * own folder.
 */
function mappedRoot(req: Request, filename: string): string {
  const mapped = req._state.mappedRoot;
  if (mapped !== null && within(filename, mapped)) return mapped;
  const docRoot = req.server.documentRoot;
  return within(filename, docRoot) ? docRoot : path.dirname(filename);
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
  if (req._state.plan.core.optionFlags.get("FollowSymLinks")) return false;
  const root = mappedRoot(req, filename);
  try {
    const [realFile, real] = await Promise.all([realpath(filename), realRoot(root)]);
    return !within(realFile, real);
  } catch {
    return true;
  }
}
