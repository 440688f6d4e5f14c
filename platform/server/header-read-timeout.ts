import type { Socket } from "node:net";
import type { ReadStage } from "../core";
import { hadRequest } from "./socket-addresses";

/**
 * Reading request headers within mod_reqtimeout's header stage and Apache's `Timeout`, on
 * Node's HTTP parser. Node cuts off a request whose headers are not complete `headersTimeout`
 * after they began (the connection's start for its first request, the first byte of each
 * later one: where mod_reqtimeout starts its clock too) and reports it as a client error.
 * tsmod sets that to the stage's initial timeout, or `Timeout` when that is shorter; when Node
 * reports, `extend` grants what the client has earned, rechecked on one timer per such
 * connection until its headers are complete or its time is up:
 * - the stage: the initial timeout plus a second per MinRate bytes, up to its maximum;
 * - `Timeout`: no stretch of that long without a byte (checked at each recheck).
 * Bytes are counted on the socket: for a connection's first request that is everything it
 * sent, for later ones what arrived after Node's report (Node does not say where their
 * headers began, so they earn nothing before it).
 */
export class HeaderReadTimeout {
  private readonly extended = new Map<Socket, NodeJS.Timeout>();
  /** Node's `headersTimeout`, in ms (0: none, when neither the stage nor `Timeout` limits headers). */
  readonly initialMs: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly stage: ReadStage | null,
    timeoutSeconds: number,
  ) {
    // `Timeout 0`: no limit on silence.
    this.timeoutMs = timeoutSeconds > 0 ? timeoutSeconds * 1000 : Infinity;
    const initial = Math.min(stage ? stage.initial * 1000 : Infinity, this.timeoutMs);
    this.initialMs = initial === Infinity ? 0 : initial;
  }

  /**
   * Node found the headers on `socket` late: true when the client has earned more time (the
   * connection stays; `onExpire` runs if its headers are still incomplete when that is up),
   * false when its time is up already.
   */
  extend(socket: Socket, onExpire: () => void): boolean {
    if (this.extended.has(socket)) return false;
    const now = Date.now();
    const start = now - this.initialMs;
    const first = !hadRequest(socket);
    const base = first ? 0 : socket.bytesRead;
    let lastBytes = socket.bytesRead;
    // A first request that sent nothing has been idle from the start; otherwise it counts as
    // active now (at most one Timeout of grace).
    let lastProgress = first && lastBytes === 0 ? start : now;
    const check = (): boolean => {
      const t = Date.now();
      const bytes = socket.bytesRead;
      if (bytes !== lastBytes) {
        lastBytes = bytes;
        lastProgress = t;
      }
      const due = Math.min(this.stageDue(start, bytes - base), lastProgress + this.timeoutMs);
      if (t >= due) return false;
      this.extended.set(socket, setTimeout(recheck, due - t));
      return true;
    };
    const recheck = () => {
      if (check()) return;
      this.extended.delete(socket);
      onExpire();
    };
    if (!check()) return false;
    socket.once("close", () => this.completed(socket));
    return true;
  }

  /** The headers on `socket` are complete (a request arrived): its extension, if any, ends. */
  completed(socket: Socket): void {
    if (this.extended.size === 0) return;
    const timer = this.extended.get(socket);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.extended.delete(socket);
  }

  /** When the stage ends for headers that began at `start` and have brought `earned` bytes. */
  private stageDue(start: number, earned: number): number {
    const s = this.stage;
    if (!s) return Infinity;
    const seconds = s.minRate ? s.initial + earned / s.minRate : s.initial;
    return start + Math.min(seconds, s.max || Infinity) * 1000;
  }
}
