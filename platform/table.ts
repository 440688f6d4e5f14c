/**
 * A case-insensitive, multi-valued string table (mod_python's `mp_table`), used for header
 * tables, notes and the subprocess environment. Keys keep the spelling of their first use.
 */
export class Table implements Iterable<[string, string]> {
  private readonly entries = new Map<string, { name: string; values: string[] }>();

  constructor(init?: Iterable<[string, string]> | Record<string, string>) {
    if (!init) return;
    const pairs = Symbol.iterator in init ? (init as Iterable<[string, string]>) : Object.entries(init);
    for (const [k, v] of pairs) this.add(k, v);
  }

  /** The first value of `name`, or `undefined`. */
  get(name: string): string | undefined {
    return this.entries.get(name.toLowerCase())?.values[0];
  }

  getAll(name: string): string[] {
    const e = this.entries.get(name.toLowerCase());
    return e ? [...e.values] : [];
  }

  has(name: string): boolean {
    return this.entries.has(name.toLowerCase());
  }

  /** Replaces every value of `name`. */
  set(name: string, value: string | number): this {
    this.entries.set(name.toLowerCase(), { name, values: [String(value)] });
    return this;
  }

  /** Adds one more value of `name` (e.g. a second Set-Cookie). */
  add(name: string, value: string | number): this {
    const key = name.toLowerCase();
    const e = this.entries.get(key);
    if (e) e.values.push(String(value));
    else this.entries.set(key, { name, values: [String(value)] });
    return this;
  }

  /** Sets `name` only when it is absent; returns the value in effect. */
  setdefault(name: string, value: string): string {
    const existing = this.get(name);
    if (existing !== undefined) return existing;
    this.set(name, value);
    return value;
  }

  delete(name: string): boolean {
    return this.entries.delete(name.toLowerCase());
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  keys(): string[] {
    return [...this.entries.values()].map((e) => e.name);
  }

  values(): string[] {
    return [...this].map(([, v]) => v);
  }

  /** @internal Appends every (name, value) pair to `flat` as two items: the list `writeHead` takes. */
  appendPairs(flat: string[]): void {
    for (const e of this.entries.values()) for (const v of e.values) flat.push(e.name, v);
  }

  /** Every (name, value) pair; a name with several values appears once per value. */
  *[Symbol.iterator](): Iterator<[string, string]> {
    for (const e of this.entries.values()) for (const v of e.values) yield [e.name, v];
  }

  entriesList(): [string, string][] {
    return [...this];
  }

  copy(): Table {
    const t = new Table();
    for (const [k, v] of this) t.add(k, v);
    return t;
  }

  /** A plain object: single values as strings, repeated ones as arrays (Node's header shape). */
  toObject(): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    for (const e of this.entries.values()) out[e.name] = e.values.length === 1 ? e.values[0] : [...e.values];
    return out;
  }
}
