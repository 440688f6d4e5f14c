import * as fs from "node:fs";
import * as path from "node:path";

/** Called with the watched file's absolute path when something happened to it. */
export type FileListener = (file: string) => void;

interface DirectoryWatch {
  /** null when the folder could not be watched (gone, or out of inotify watches). */
  handle: fs.FSWatcher | null;
  /** Listeners by file base name. */
  readonly files: Map<string, Set<FileListener>>;
}

/**
 * Watches files through their folders: one `fs.watch` per folder, shared by every file in it.
 * Watching the folder rather than the file is what survives editors' rename-style saves
 * (write a temporary file, rename it over the original) and delete-then-create: a watch on
 * the file itself follows the old inode and goes silent after the first rename.
 *
 * Events are hints, not facts: `fs.watch` may report one save twice, or report a file that did
 * not change (same folder, no file name). Listeners are expected to compare what they loaded
 * with the file (mtime, size, inode) and ignore events that changed nothing. Watch handles are
 * not `persistent`: they never keep the process alive, and `close()` releases them all.
 */
export class FileWatcher {
  private readonly dirs = new Map<string, DirectoryWatch>();
  private closed = false;

  /** Calls `onChange` when `file` may have changed; returns the function that stops it. */
  watch(file: string, onChange: FileListener): () => void {
    if (this.closed) return () => undefined;
    const dir = path.dirname(file);
    const base = path.basename(file);
    // A folder that could not be watched (or whose watch failed) is tried again.
    const known = this.dirs.get(dir);
    const watch = known?.handle ? known : this.open(dir, known);
    let listeners = watch.files.get(base);
    if (!listeners) {
      listeners = new Set();
      watch.files.set(base, listeners);
    }
    // A wrapper per call, so the same function may be registered twice and removed once.
    const listener: FileListener = (f) => onChange(f);
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) watch.files.delete(base);
      if (watch.files.size === 0 && this.dirs.get(dir) === watch) {
        watch.handle?.close();
        this.dirs.delete(dir);
      }
    };
  }

  /** Number of folders being watched (tests check that handles are released). */
  get folders(): number {
    return this.dirs.size;
  }

  close(): void {
    this.closed = true;
    for (const watch of this.dirs.values()) watch.handle?.close();
    this.dirs.clear();
  }

  private open(dir: string, known: DirectoryWatch | undefined): DirectoryWatch {
    const watch: DirectoryWatch = known ?? { handle: null, files: new Map() };
    this.dirs.set(dir, watch);
    try {
      watch.handle = fs.watch(dir, { persistent: false }, (_event, name) => {
        if (name) this.notify(dir, watch, [name.toString()]);
        else this.notify(dir, watch, [...watch.files.keys()]);
      });
      // The folder itself went away: every file in it is gone; listeners will find that out.
      watch.handle.on("error", () => {
        watch.handle?.close();
        watch.handle = null;
        this.notify(dir, watch, [...watch.files.keys()]);
      });
    } catch {
      // Not watchable: callers' mtime checks still notice changes, only later.
      watch.handle = null;
    }
    return watch;
  }

  private notify(dir: string, watch: DirectoryWatch, names: string[]): void {
    for (const name of names) {
      const listeners = watch.files.get(name);
      if (!listeners) continue;
      const file = path.join(dir, name);
      for (const listener of [...listeners]) listener(file);
    }
  }
}
