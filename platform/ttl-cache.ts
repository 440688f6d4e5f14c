/**
 * File-system answers reused for a short time (the URL mapping's stats, the publisher's
 * probes): changes show up within `ttlMs`. Keys come from client-chosen URLs, so the cache is
 * bounded: past `maxEntries` it starts over.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();

  constructor(
    private readonly ttlMs = 1000,
    private readonly maxEntries = 10_000,
  ) {}

  get(key: string, now: number): V | undefined {
    const hit = this.entries.get(key);
    return hit && hit.expires > now ? hit.value : undefined;
  }

  set(key: string, value: V, now: number): void {
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { value, expires: now + this.ttlMs });
  }
}
