import * as fs from "node:fs";

/** Files up to this size are kept: the hot small files of a site (pages, icons, scripts). */
export const MAX_CACHED_FILE = 64 * 1024;
/** The bound on the cache's memory; the least recently sent files go first. */
const MAX_CACHED_BYTES = 16 * 1024 * 1024;

interface Entry {
  readonly contents: Buffer;
  readonly ino: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
}

const entries = new Map<string, Entry>();
let cachedBytes = 0;

/** The file's bytes were read when it was exactly as `st` shows it now (any write changes mtime or ctime). */
function current(entry: Entry, st: fs.Stats): boolean {
  return entry.contents.length === st.size && entry.ino === st.ino && entry.mtimeMs === st.mtimeMs && entry.ctimeMs === st.ctimeMs;
}

/**
 * The contents of a small file as `st` (a stat taken for this request) describes it, from
 * memory when it has not changed since it was last read: opening, reading and closing a
 * small file costs three trips through libuv's thread pool for a few kB. Resolves to
 * undefined when the file changed while being read; the caller then streams it.
 */
export async function smallFileContents(filename: string, st: fs.Stats): Promise<Buffer | undefined> {
  const hit = entries.get(filename);
  if (hit && current(hit, st)) {
    entries.delete(filename); // to the most recent end
    entries.set(filename, hit);
    return hit.contents;
  }
  const contents = await new Promise<Buffer | undefined>((resolve) => fs.readFile(filename, (err, data) => resolve(err ? undefined : data)));
  if (contents === undefined || contents.length !== st.size) return undefined;
  forget(filename);
  entries.set(filename, { contents, ino: st.ino, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs });
  cachedBytes += contents.length;
  for (const oldest of entries.keys()) {
    if (cachedBytes <= MAX_CACHED_BYTES) break;
    forget(oldest);
  }
  return contents;
}

function forget(filename: string): void {
  const entry = entries.get(filename);
  if (entry === undefined) return;
  cachedBytes -= entry.contents.length;
  entries.delete(filename);
}
