import * as fs from "node:fs";

export type EntryKind = "file" | "dir" | "other" | null;

interface Probe {
  readonly kind: EntryKind;
  /** The path with every symlink resolved, or null when it does not exist. */
  readonly real: string | null;
  readonly expires: number;
}

/** How long a file-system answer is reused: new and removed files show up within this time. */
const TTL_MS = 1000;
/** URLs are client-chosen, so the cache is bounded: past this size it starts over. */
const MAX_ENTRIES = 10_000;

const cache = new Map<string, Probe>();

/**
 * What is at `p` (following symlinks) and where it really is, answered from a short-lived
 * cache: the publisher asks this several times per request, and a stat plus a realpath per
 * step would dominate a small request.
 */
export function probe(p: string): Probe {
  const now = Date.now();
  const hit = cache.get(p);
  if (hit && hit.expires > now) return hit;
  const st = fs.statSync(p, { throwIfNoEntry: false });
  let real: string | null = null;
  if (st) {
    try {
      real = fs.realpathSync(p);
    } catch {
      real = null;
    }
  }
  const entry: Probe = { kind: !st || !real ? null : st.isFile() ? "file" : st.isDirectory() ? "dir" : "other", real, expires: now + TTL_MS };
  if (cache.size >= MAX_ENTRIES) cache.clear();
  cache.set(p, entry);
  return entry;
}
