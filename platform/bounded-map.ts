/**
 * A Map for caches keyed by what clients choose (URLs, file names): past `maxEntries` it
 * starts over instead of growing without bound.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly maxEntries = 10_000) {
    super();
  }

  override set(key: K, value: V): this {
    if (this.size >= this.maxEntries && !this.has(key)) this.clear();
    return super.set(key, value);
  }
}
