import * as fs from "node:fs";
import { TtlCache } from "../platform";

export type EntryKind = "file" | "dir" | "other" | null;

interface Probe {
  readonly kind: EntryKind;
  /** The path with every symlink resolved, or null when it does not exist. */
  readonly real: string | null;
}

const cache = new TtlCache<Probe>();

/**
 * What is at `p` (following symlinks) and where it really is, answered from a short-lived
 * cache: the publisher asks this several times per request, and a stat plus a realpath per
 * step would dominate a small request.
 */
export function probe(p: string): Probe {
  const now = Date.now();
  const hit = cache.get(p, now);
  if (hit) return hit;
  const st = fs.statSync(p, { throwIfNoEntry: false });
  let real: string | null = null;
  if (st) {
    try {
      real = fs.realpathSync(p);
    } catch {
      real = null;
    }
  }
  const entry: Probe = { kind: !st || !real ? null : st.isFile() ? "file" : st.isDirectory() ? "dir" : "other", real };
  cache.set(p, entry, now);
  return entry;
}
