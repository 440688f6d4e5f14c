/** Bytes a pipe holds before `push` waits for the reader. */
const HIGH_WATER = 64 * 1024;

/**
 * A bounded byte queue between one writer and one reader, both async: `push` resolves once
 * the queue is below its mark again (backpressure), `read` waits for data. `fail` wakes both
 * sides with the error, so neither can hang on a broken chain.
 */
export class Pipe {
  private chunks: Buffer[] = [];
  private size = 0;
  private ended = false;
  private error: Error | null = null;
  private waiters: Array<() => void> = [];

  async push(buf: Buffer): Promise<void> {
    if (this.error) throw this.error;
    this.chunks.push(buf);
    this.size += buf.length;
    this.wake();
    while (this.size >= HIGH_WATER && !this.error) await this.changed();
    if (this.error) throw this.error;
  }

  end(): void {
    this.ended = true;
    this.wake();
  }

  fail(error: Error): void {
    if (this.error) return;
    this.error = error;
    this.chunks = [];
    this.size = 0;
    this.wake();
  }

  /** The next queued chunk (at most `max` bytes), or null once the writer has ended. */
  async read(max?: number): Promise<Buffer | null> {
    for (;;) {
      if (this.error) throw this.error;
      if (this.size > 0) return this.take(max);
      if (this.ended) return null;
      await this.changed();
    }
  }

  private take(max: number | undefined): Buffer {
    let chunk = this.chunks[0];
    if (max !== undefined && max > 0 && chunk.length > max) {
      this.chunks[0] = chunk.subarray(max);
      chunk = chunk.subarray(0, max);
    } else {
      this.chunks.shift();
    }
    this.size -= chunk.length;
    this.wake();
    return chunk;
  }

  private changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private wake(): void {
    if (this.waiters.length === 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
