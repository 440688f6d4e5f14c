/**
 * Callbacks for when the server retires a configuration (a graceful stop or a reload): mod_python's
 * `apache.register_cleanup` and `req.server.register_cleanup`, which ran at child exit. Each
 * loaded configuration has its own list; modules loaded again after a reload register theirs
 * again, in the new configuration's list.
 */
export class ServerCleanups {
  private readonly pending: Array<() => unknown> = [];

  register<T>(fn: (data: T) => unknown, data?: T): void {
    if (typeof fn !== "function") throw new TypeError("registerCleanup expects a function");
    this.pending.push(() => fn(data as T));
  }

  /** Runs (and forgets) every registered cleanup, last registered first; failures go to `report`. */
  async run(report: (error: unknown) => void): Promise<void> {
    while (this.pending.length > 0) {
      const fn = this.pending.pop()!;
      try {
        await fn();
      } catch (e) {
        report(e);
      }
    }
  }
}

/** The list of the configuration started last: where code without a request registers. */
let current = new ServerCleanups();

export function useServerCleanups(list: ServerCleanups): void {
  current = list;
}

/** `registerCleanup(fn, data?)` as `tsmod` exports it: runs when the serving configuration retires. */
export function registerCleanup<T>(fn: (data: T) => unknown, data?: T): void {
  current.register(fn, data);
}
