import * as fs from "node:fs";

/**
 * What a file looked like when it was read. The inode is part of it because a rename-style
 * save can leave mtime and size as they were (same second, same length) but never the inode.
 */
export interface FileStamp {
  readonly mtimeMs: number;
  readonly size: number;
  readonly ino: number;
}

/** The file's stamp, or null when it does not exist (or is not readable). */
export function stampOf(file: string): FileStamp | null {
  const st = fs.statSync(file, { throwIfNoEntry: false });
  return st ? { mtimeMs: st.mtimeMs, size: st.size, ino: st.ino } : null;
}

export function sameStamp(a: FileStamp, b: FileStamp | null): boolean {
  return b !== null && a.mtimeMs === b.mtimeMs && a.size === b.size && a.ino === b.ino;
}
