import { FileField } from "./file-field";
import { removeFiles } from "./temp-file";

/** A plain (non-file) form field. */
export interface Field {
  readonly name: string;
  readonly value: string;
}

/** One entry of `FieldStorage.list`: a plain field or an upload. */
export type FormEntry = Field | FileField;

/** What `getfirst`/`getlist` return: a plain field's string, or the upload itself. */
export type FormValue = string | FileField;

/** Forms up to this size are searched entry by entry: cheaper than building the index for a few names. */
const SCAN_LIMIT = 8;

/**
 * The fields of one request, query string first, then body, in the order the client sent
 * them (mod_python's `util.FieldStorage`). A name may occur several times.
 */
export class FieldStorage implements Iterable<FormEntry> {
  readonly #entries: FormEntry[];
  #frozen: readonly FormEntry[] | undefined;
  #disposed: Promise<void> | undefined;
  /** Values by name, built at the first lookup in a larger form: the publisher looks up every parameter. */
  #byName: Map<string, FormValue[]> | undefined;

  constructor(list: readonly FormEntry[] = []) {
    this.#entries = list.slice();
  }

  /** Every entry, in order; frozen (on first use: most requests only look fields up by name). */
  get list(): readonly FormEntry[] {
    return (this.#frozen ??= Object.freeze(this.#entries));
  }

  /** The first value of `name`, or `def` when there is none. */
  getfirst(name: string): FormValue | undefined;
  getfirst<T>(name: string, def: T): FormValue | T;
  getfirst<T>(name: string, def?: T): FormValue | T | undefined {
    if (this.#entries.length <= SCAN_LIMIT) {
      const entry = this.#find(name);
      return entry ? valueOf(entry) : def;
    }
    const values = this.#index().get(name);
    return values ? values[0] : def;
  }

  /** Every value of `name`, in order; empty when there is none. */
  getlist(name: string): FormValue[] {
    const values = this.#index().get(name);
    return values ? [...values] : [];
  }

  has(name: string): boolean {
    return this.#entries.length <= SCAN_LIMIT ? this.#find(name) !== undefined : this.#index().has(name);
  }

  /** The distinct field names, in order of first appearance. */
  keys(): string[] {
    return [...this.#index().keys()];
  }

  #find(name: string): FormEntry | undefined {
    for (const entry of this.#entries) if (entry.name === name) return entry;
    return undefined;
  }

  #index(): Map<string, FormValue[]> {
    if (!this.#byName) {
      this.#byName = new Map();
      for (const entry of this.#entries) {
        const values = this.#byName.get(entry.name);
        if (values) values.push(valueOf(entry));
        else this.#byName.set(entry.name, [valueOf(entry)]);
      }
    }
    return this.#byName;
  }

  [Symbol.iterator](): Iterator<FormEntry> {
    return this.#entries[Symbol.iterator]();
  }

  /** Removes the uploads' temporary files. Safe to call more than once. */
  dispose(): Promise<void> {
    this.#disposed ??= removeFiles(
      this.#entries.filter((e): e is FileField => e instanceof FileField).map((f) => f.path),
    );
    return this.#disposed;
  }
}

function valueOf(entry: FormEntry): FormValue {
  return entry instanceof FileField ? entry : entry.value;
}
