import type { ServerResponse } from "node:http";

/**
 * The requests being answered, by the Site they started on: a Site replaced by a reload is
 * closed only after its last request, and a graceful stop can tell the responses that have
 * not started yet to close their connection.
 */
export class InFlight<K> {
  private readonly counts = new Map<K, number>();
  private readonly waiters = new Map<K, Array<() => void>>();
  private readonly responses = new Set<ServerResponse>();

  /** Runs `work` for `key`, counted until it settles. */
  track(key: K, res: ServerResponse, work: Promise<void>): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.responses.add(res);
    const settle = (): void => {
      this.responses.delete(res);
      const n = this.counts.get(key)! - 1;
      if (n > 0) return void this.counts.set(key, n);
      this.counts.delete(key);
      for (const wake of this.waiters.get(key) ?? []) wake();
      this.waiters.delete(key);
    };
    // Not `finally`: it makes two more promises per request.
    void work.then(settle, settle);
  }

  /** Resolves once no request of `key` is running. */
  idle(key: K): Promise<void> {
    if (!this.counts.has(key)) return Promise.resolve();
    return new Promise((resolve) => {
      const list = this.waiters.get(key);
      if (list) list.push(resolve);
      else this.waiters.set(key, [resolve]);
    });
  }

  /** Responses whose headers are still to be written. */
  *unsent(): Iterable<ServerResponse> {
    for (const res of this.responses) if (!res.headersSent) yield res;
  }
}
