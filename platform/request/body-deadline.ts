import type { IncomingMessage } from "node:http";
import type { ReadStage } from "../core";
import { ErrorCode, TsmodError } from "../errors";
import type { Request } from "./request";

const deadlines = new WeakMap<IncomingMessage, BodyDeadline>();

/**
 * The time limit on reading a request's body, made at its first read (internal redirects
 * share it): the server's `RequestReadTimeout body=...` and `Timeout`.
 */
export function bodyDeadline(req: Request): BodyDeadline {
  const raw = req._state.stream;
  let deadline = deadlines.get(raw);
  if (!deadline) {
    const d = new BodyDeadline(raw, req.server.config.bodyReadTimeout, req.server.timeout * 1000);
    raw.once("close", () => d.finish());
    deadlines.set(raw, (deadline = d));
  }
  return deadline;
}

/**
 * mod_reqtimeout's body stage and Apache's `Timeout` for one request body. The body must have
 * arrived `initial` seconds after its first read, plus a second for every `minRate` bytes the
 * connection received since, up to `max` seconds; and while a reader waits, no stretch without
 * a byte may last `Timeout`. Bytes are counted on the socket, so every way of reading (a
 * handler, a form, a proxy, the server draining what nobody read) is held to the same limit,
 * and reading costs nothing per chunk: one timer runs while someone waits and, when it fires,
 * either finds the deadline passed or sets itself for the one the client has earned since.
 */
export class BodyDeadline {
  private readonly started = Date.now();
  private readonly startBytes: number;
  private lastBytes: number;
  /** When bytes last arrived (as seen when the timer fired) or a reader started waiting. */
  private lastActivity = this.started;
  private timer: NodeJS.Timeout | null = null;
  private onExpire: ((error: TsmodError) => void) | null = null;
  private done = false;
  /** Set once the limit has passed: every later read fails with it. */
  expired: TsmodError | null = null;

  constructor(
    private readonly body: IncomingMessage,
    private readonly stage: ReadStage | null,
    private readonly idleMs: number,
  ) {
    this.startBytes = this.lastBytes = this.bytesRead();
  }

  /**
   * A reader waits for the body: `onExpire` is called once if the limit passes before
   * `stopWaiting` or the body's end — at once when it has passed already.
   */
  wait(onExpire: (error: TsmodError) => void): void {
    if (this.expired) return onExpire(this.expired);
    if (this.done) return;
    this.onExpire = onExpire;
    this.lastActivity = Date.now();
    this.timer ??= setTimeout(this.fire, Math.max(0, this.due().at - this.lastActivity));
  }

  stopWaiting(): void {
    this.onExpire = null;
  }

  /** The body is all in, or the request is over: no limit any more. */
  finish(): void {
    this.done = true;
    this.onExpire = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private readonly fire = (): void => {
    this.timer = null;
    if (!this.onExpire) return;
    // Everything the client sends has arrived: what is left to wait for is the reader's own.
    if (this.body.complete) return this.finish();
    const now = Date.now();
    const bytes = this.bytesRead();
    if (bytes !== this.lastBytes) {
      this.lastBytes = bytes;
      this.lastActivity = now;
    }
    const due = this.due();
    if (now < due.at) {
      this.timer = setTimeout(this.fire, due.at - now);
      return;
    }
    const s = this.stage;
    this.expired = due.stage
      ? new TsmodError(ErrorCode.BODY_TIMEOUT, `Request body read timeout (RequestReadTimeout body=${s!.initial}${s!.max ? `-${s!.max}` : ""}${s!.minRate ? `,MinRate=${s!.minRate}` : ""})`, 408)
      : new TsmodError(ErrorCode.BODY_TIMEOUT, `Client read error (Timeout?): no request body data received within Timeout (${this.idleMs / 1000} s)`, 408);
    const expire = this.onExpire;
    this.finish();
    expire(this.expired);
  };

  /** When the limit passes, as earned so far, and whether it is the stage's or `Timeout`'s. */
  private due(): { at: number; stage: boolean } {
    const idle = this.idleMs > 0 ? this.lastActivity + this.idleMs : Infinity;
    const s = this.stage;
    if (!s) return { at: idle, stage: false };
    let at = this.started + s.initial * 1000;
    if (s.minRate) at += ((this.lastBytes - this.startBytes) * 1000) / s.minRate;
    if (s.max) at = Math.min(at, this.started + s.max * 1000);
    return at <= idle ? { at, stage: true } : { at: idle, stage: false };
  }

  private bytesRead(): number {
    return this.body.socket?.bytesRead ?? 0;
  }
}
