import * as fs from "node:fs";

/** How long a file's stat is trusted: an edit (or htpasswd's rename) shows within this. */
const RECHECK_MS = 1000;

/**
 * A small text file read into a value and read again when it changes: checked by stat (inode,
 * size, mtime) at most once a second, so requests never re-read it and an edit, or a new file
 * renamed over it, is seen without a restart. `onChange` runs after each (re)read.
 */
export class WatchedFile<T> {
  private value: T | undefined;
  private signature = "";
  private checkedAt = 0;

  constructor(
    readonly path: string,
    private readonly parse: (text: string) => T,
    private readonly onChange: () => void = () => {},
  ) {}

  /** The current contents; throws (with the path) when the file cannot be read. */
  get(now = Date.now()): T {
    if (this.value !== undefined && now - this.checkedAt < RECHECK_MS) return this.value;
    this.checkedAt = now;
    let st: fs.Stats;
    try {
      st = fs.statSync(this.path);
    } catch (e) {
      this.value = undefined;
      throw new Error(`${this.path}: ${(e as Error).message}`);
    }
    const signature = `${st.ino}:${st.size}:${st.mtimeMs}`;
    if (this.value === undefined || signature !== this.signature) {
      this.value = this.parse(fs.readFileSync(this.path, "utf8"));
      this.signature = signature;
      this.onChange();
    }
    return this.value;
  }
}

/** `name: rest` / `name:rest` lines; `#` comments and blank lines skipped. */
export function colonLines(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const colon = line.indexOf(":");
    if (colon > 0) out.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
  }
  return out;
}
