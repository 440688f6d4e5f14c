import * as fs from "node:fs";

/** What is at `p` now (following symlinks), or null when nothing is or it cannot be read. */
export function currentStat(p: string): fs.Stats | null {
  try {
    return fs.statSync(p, { throwIfNoEntry: false }) ?? null;
  } catch {
    return null;
  }
}
