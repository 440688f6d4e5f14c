import * as fs from "node:fs";

/** Lines waiting beyond this are dropped (and counted) rather than growing without bound. */
const MAX_PENDING_BYTES = 16 * 1024 * 1024;

/**
 * An append-only log target that never blocks a request: lines are collected and written
 * in one batch per turn of the event loop, through libuv's thread pool (also for stdout
 * and stderr, whose `process.stdout` writes are synchronous for files and pipes).
 */
export class LogWriter {
  private readonly stream: fs.WriteStream;
  private pending: string[] = [];
  private pendingBytes = 0;
  private scheduled = false;
  private dropped = 0;

  constructor(
    readonly target: string,
    private readonly onError: (message: string) => void,
  ) {
    this.stream =
      target === "stdout" || target === "stderr"
        ? fs.createWriteStream("", { fd: target === "stdout" ? 1 : 2, autoClose: false })
        : fs.createWriteStream(target, { flags: "a" });
    this.stream.on("error", (e) => onError(`cannot write log ${target}: ${e.message}`));
  }

  write(line: string): void {
    if (this.pendingBytes + this.stream.writableLength > MAX_PENDING_BYTES) {
      this.dropped++;
      return;
    }
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.scheduled = false;
    if (this.dropped) {
      this.onError(`log ${this.target} could not keep up: ${this.dropped} lines dropped`);
      this.dropped = 0;
    }
    if (this.pending.length === 0 || this.stream.destroyed) return;
    this.stream.write(this.pending.join(""));
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** Writes what is pending and closes the file (stdout/stderr stay open). */
  close(): Promise<void> {
    this.flush();
    return new Promise((resolve) => this.stream.end(resolve));
  }
}
