import type { Socket } from "node:net";
import { APLOG_ERR } from "../constants";
import type { ErrorLog } from "../log";
import type { Table } from "../table";
import { connectionState } from "./connection-state";
import type { ServerInfo } from "./server-info";

/**
 * The connection a `TsConnectionHandler` owns (mod_python's connection object): the raw bytes
 * of a protocol that is not HTTP. Reads pull from the paused socket, so memory holds only what
 * the handler has not taken yet; `write` resolves when the socket has accepted the data
 * (backpressure). What the handler leaves unread goes to HTTP when the handler DECLINES.
 */
export class RawConnection {
  readonly remoteIp: string;
  readonly remotePort: number;
  readonly localIp: string;
  readonly localPort: number;
  /** Per-process connection number (Apache's `c->id`). */
  readonly id: number;
  /** Notes handlers keep for the life of the connection (HTTP requests on it see them too). */
  readonly notes: Table;
  /** tsmod does no DNS lookups (Apache's HostnameLookups Off): the names are null. */
  readonly remoteHost = null;
  readonly localHost = null;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private ended = false;
  private failure: Error | null = null;
  private wake: (() => void) | null = null;

  constructor(
    /** @internal */
    readonly socket: Socket,
    /** The (virtual) server whose Listen address the connection came to. */
    readonly baseServer: ServerInfo,
    private readonly errorLog: ErrorLog,
  ) {
    this.remoteIp = socket.remoteAddress ?? "";
    this.remotePort = socket.remotePort ?? 0;
    this.localIp = socket.localAddress ?? "";
    this.localPort = socket.localPort ?? 0;
    const state = connectionState(socket);
    this.id = state.id;
    this.notes = state.notes;
    socket.on("readable", this.onReadable);
    socket.on("end", this.onEnd);
    socket.on("error", this.onError);
    socket.on("close", this.onEnd);
  }

  /** True once the client has gone away. */
  get aborted(): boolean {
    return this.socket.destroyed;
  }

  /**
   * At least one byte and at most `size` (what has arrived, when `size` is omitted); with
   * `size` -1, everything until the client closes (mod_python's exhaustive read). An empty
   * buffer at the end of the stream.
   */
  async read(size?: number): Promise<Buffer> {
    if (size === -1) {
      while (!this.ended) await this.pull();
      return this.take(this.pendingBytes);
    }
    while (this.pendingBytes === 0 && !this.ended) await this.pull();
    return this.take(size === undefined || size < 0 ? this.pendingBytes : Math.min(size, this.pendingBytes));
  }

  /** One line including its `\n`, or `limit` bytes of a longer one; an empty buffer at the end. */
  async readline(limit?: number): Promise<Buffer> {
    const max = limit === undefined || limit < 0 ? Infinity : limit;
    for (;;) {
      const nl = this.indexOfNewline();
      if (nl >= 0 && nl < max) return this.take(nl + 1);
      if (this.pendingBytes >= max) return this.take(max);
      if (this.ended) return this.take(this.pendingBytes);
      await this.pull();
    }
  }

  /** Resolves once the socket has taken the data; rejects when the client has gone. */
  write(data: string | Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.destroyed || !this.socket.writable) return reject(new Error("write failed: the client closed the connection"));
      this.socket.write(data, (err) => (err ? reject(err) : resolve()));
    });
  }

  /** Sends what was written, then closes the connection. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.end(() => resolve());
    });
  }

  /** Logs with the client's address (Apache's `ap_log_cerror`). */
  logError(message: string, level: number = APLOG_ERR): void {
    this.errorLog.log(message, level || APLOG_ERR, `${this.remoteIp}:${this.remotePort}`);
  }

  /** @internal Stops reading for the handler; answers what it read and did not take. */
  release(): Buffer {
    let chunk: Buffer | null;
    while ((chunk = this.socket.read() as Buffer | null) !== null) this.pending.push(chunk);
    this.socket.off("readable", this.onReadable);
    this.socket.off("end", this.onEnd);
    this.socket.off("error", this.onError);
    this.socket.off("close", this.onEnd);
    const rest = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    return rest;
  }

  private readonly onReadable = (): void => this.wakeUp();
  private readonly onEnd = (): void => {
    this.ended = true;
    this.wakeUp();
  };
  private readonly onError = (err: Error): void => {
    this.failure = err;
    this.onEnd();
  };

  private wakeUp(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  /** Takes what the socket has buffered, or waits for more (or its end). */
  private async pull(): Promise<void> {
    let chunk: Buffer | null;
    let got = false;
    while ((chunk = this.socket.read() as Buffer | null) !== null) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      got = true;
    }
    if (got) return;
    if (this.failure) throw this.failure;
    if (this.ended) return;
    await new Promise<void>((resolve) => (this.wake = resolve));
  }

  private indexOfNewline(): number {
    let offset = 0;
    for (const b of this.pending) {
      const i = b.indexOf(0x0a);
      if (i >= 0) return offset + i;
      offset += b.length;
    }
    return -1;
  }

  private take(n: number): Buffer {
    const all = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.pending = rest.length ? [rest] : [];
    this.pendingBytes = rest.length;
    return out;
  }
}
