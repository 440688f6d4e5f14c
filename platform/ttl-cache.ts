import { BoundedMap } from "./bounded-map";

/**
 * File-system answers reused for a short time (the URL mapping's stats, the publisher's
 * probes): changes show up within `ttlMs`. Keys come from client-chosen URLs, so the cache is
 * bounded (see BoundedMap).
 */
export class TtlCache<V> {
  private readonly entries = new BoundedMap<string, { value: V; expires: number }>();

  constructor(private readonly ttlMs = 1000) {}

  get(key: string, now: number): V | undefined {
    const hit = this.entries.get(key);
    return hit && hit.expires > now ? hit.value : undefined;
  }

  set(key: string, value: V, now: number): void {
    this.entries.set(key, { value, expires: now + this.ttlMs });
  }
}
