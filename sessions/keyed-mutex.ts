/** Thrown to a waiter whose bound passed; the caller turns it into its own error. */
export class MutexTimeout extends Error {
  constructor() {
    super("mutex wait timed out");
    this.name = "MutexTimeout";
  }
}

interface Waiter {
  grant(): void;
}

/**
 * One async mutex per key, FIFO, with bounded waits. Requests of one session in this
 * process queue here before touching the store lock, so a process never spends several
 * database connections (or lock polls) on the same session at once.
 */
export class KeyedMutex {
  /** Per held key, the waiters in arrival order; an absent key is free. */
  readonly #queues = new Map<string, Waiter[]>();

  /** Resolves to the release function once `key` is ours; rejects with MutexTimeout after waitMs. */
  acquire(key: string, waitMs: number): Promise<() => void> {
    const queue = this.#queues.get(key);
    if (queue === undefined) {
      this.#queues.set(key, []);
      return Promise.resolve(this.#releaser(key));
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(timer);
          resolve(this.#releaser(key));
        },
      };
      const timer = setTimeout(() => {
        queue.splice(queue.indexOf(waiter), 1);
        reject(new MutexTimeout());
      }, waitMs);
      queue.push(waiter);
    });
  }

  /** Number of keys held, for leak checks. */
  get size(): number {
    return this.#queues.size;
  }

  #releaser(key: string): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const queue = this.#queues.get(key);
      const next = queue?.shift();
      if (next === undefined) this.#queues.delete(key);
      else next.grant();
    };
  }
}
