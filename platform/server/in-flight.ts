import type { IncomingMessage, ServerResponse } from "node:http";

interface Count {
  running: number;
  waiters: Array<() => void>;
}

/**
 * One running request in a doubly linked list: adding and removing one is two pointer writes,
 * where a Set hashes every response object and rehashes as it grows and shrinks with the load.
 */
interface Tracked {
  readonly res: ServerResponse;
  prev: Tracked | null;
  next: Tracked | null;
}

/**
 * The requests being answered, by the Site they started on: a Site replaced by a reload is
 * closed only after its last request, and a graceful stop can tell the responses that have
 * not started yet to close their connection.
 */
export class InFlight<K extends object> {
  /** Weak: a Site replaced by a reload is not kept alive by its (finished) count. */
  private readonly counts = new WeakMap<K, Count>();
  private newest: Tracked | null = null;

  /** Counts `work` for `key` until it settles; work done already (no promise) needs no count. */
  track(key: K, res: ServerResponse, work: Promise<void> | void): void {
    if (!work) return;
    let count = this.counts.get(key);
    if (!count) this.counts.set(key, (count = { running: 0, waiters: [] }));
    const c = count;
    c.running++;
    const t: Tracked = { res, prev: null, next: this.newest };
    if (this.newest) this.newest.prev = t;
    this.newest = t;
    const settle = (): void => {
      if (t.prev) t.prev.next = t.next;
      else this.newest = t.next;
      if (t.next) t.next.prev = t.prev;
      if (--c.running === 0 && c.waiters.length > 0) for (const wake of c.waiters.splice(0)) wake();
    };
    // Not `finally`: it makes two more promises per request.
    void work.then(settle, settle);
  }

  /** Resolves once no request of `key` is running. */
  idle(key: K): Promise<void> {
    const count = this.counts.get(key);
    if (!count || count.running === 0) return Promise.resolve();
    return new Promise((resolve) => count.waiters.push(resolve));
  }

  /** Responses whose headers are still to be written. */
  *unsent(): Iterable<ServerResponse> {
    for (let t = this.newest; t; t = t.next) if (!t.res.headersSent) yield t.res;
  }

  /** The requests being answered. */
  *requests(): Iterable<IncomingMessage> {
    for (let t = this.newest; t; t = t.next) yield t.res.req;
  }

  /** Responses whose headers are out: they keep their connection as the headers said. */
  *started(): Iterable<ServerResponse> {
    for (let t = this.newest; t; t = t.next) if (t.res.headersSent) yield t.res;
  }
}
