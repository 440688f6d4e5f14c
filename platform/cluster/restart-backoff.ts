/**
 * How long to wait before replacing a dead worker: at once after one that ran a while, then
 * doubling for each worker in a row that died young, so a crash loop (a handler that kills
 * the process at start, a port taken) costs a fork every few seconds, not a spinning core.
 */
export class RestartBackoff {
  private failures = 0;

  constructor(
    private readonly minUptimeMs = 1000,
    private readonly baseMs = 100,
    private readonly maxMs = 10_000,
  ) {}

  /** The delay before the replacement of a worker that ran for `uptimeMs`. */
  next(uptimeMs: number): number {
    if (uptimeMs >= this.minUptimeMs) {
      this.failures = 0;
      return 0;
    }
    this.failures++;
    return Math.min(this.maxMs, this.baseMs * 2 ** (this.failures - 1));
  }
}
