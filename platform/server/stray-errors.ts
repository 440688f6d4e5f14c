import type { IncomingMessage } from "node:http";
import * as path from "node:path";
import * as v8 from "node:v8";
import { APLOG_CRIT, APLOG_EMERG, APLOG_ERR } from "../constants";

/**
 * A stray error: thrown in a timer or event callback that code left behind (a handler, a
 * filter, a `TsImport` function), or a rejected promise nobody handles. No request's chain
 * catches it, and Node would end the process with it: with `Workers 1` the whole server.
 */
export type StrayOrigin = "uncaughtException" | "unhandledRejection";

/** What the running server tells about itself to name a stray error's source. */
export interface StraySource {
  /** Whether a file is a module the site loaded: handler code. */
  isLoadedModule(file: string): boolean;
  /** Module paths are shown relative to it. */
  readonly serverRoot: string;
  /** The requests being answered when the error surfaced. */
  requestsInFlight(): Iterable<IncomingMessage>;
}

export interface StrayReport {
  readonly message: string;
  readonly level: number;
  /** The client of the one request in flight, for the log line's `[client ...]`. */
  readonly client?: string;
}

/** The most requests named in a report; more are counted. */
const NAMED_REQUESTS = 3;

/** A heap this full is about to fail allocations: a stray error then means the process is done. */
const HEAP_NEARLY_FULL = 0.9;

const ORIGINS: Record<StrayOrigin, string> = { uncaughtException: "uncaught exception", unhandledRejection: "unhandled promise rejection" };

/**
 * Logs stray errors and keeps the process serving, as Apache keeps serving when one request's
 * code fails. A fatal one (see `isFatal`) is logged, `flush` is awaited (at most a second),
 * and the process exits with 1 (a `Workers` primary starts a replacement); errors while it
 * exits are not reported again, so a broken process cannot go round logging forever.
 */
export function guardProcess(report: (err: unknown, origin: StrayOrigin, fatal: boolean) => void, flush: () => Promise<void>): void {
  let exiting = false;
  const onStray = (err: unknown, origin: StrayOrigin) => {
    if (exiting) return;
    const fatal = isFatal(err);
    report(err, origin, fatal);
    if (!fatal) return;
    exiting = true;
    setTimeout(() => process.exit(1), 1000);
    void flush().finally(() => process.exit(1));
  };
  process.on("uncaughtException", (err) => onStray(err, "uncaughtException"));
  process.on("unhandledRejection", (reason) => onStray(reason, "unhandledRejection"));
}

/**
 * A state the process cannot serve on from: memory that cannot be had (a failed buffer
 * allocation, a heap at its limit) or Node's own internals broken. (V8 running out of heap
 * aborts the process by itself, before any handler sees it.)
 */
export function isFatal(err: unknown): boolean {
  const e = err as { code?: unknown; name?: unknown; message?: unknown } | null;
  if (e?.code === "ERR_INTERNAL_ASSERTION" || e?.code === "ERR_MEMORY_ALLOCATION_FAILED") return true;
  if (e?.name === "RangeError" && typeof e.message === "string" && /allocation failed|out of memory/i.test(e.message)) return true;
  const heap = v8.getHeapStatistics();
  return heap.used_heap_size > heap.heap_size_limit * HEAP_NEARLY_FULL;
}

/**
 * The log entry for a stray error. Its source is the first frame of its stack in a module the
 * site loaded (the handler, filter or imported module, with the line); the requests named
 * are those in flight when it surfaced — the one it came from when it surfaced while that
 * request ran. Without a frame in handler code it may be a fault of tsmod itself: `crit`.
 */
export function describeStray(err: unknown, origin: StrayOrigin, fatal: boolean, source: StraySource | null): StrayReport {
  const e = err as { stack?: unknown; message?: unknown } | null;
  const text = typeof e?.stack === "string" ? e.stack : typeof e?.message === "string" ? e.message : `thrown value: ${String(err)}`;
  const frame = source ? handlerFrame(text, source) : null;
  const from = frame ? `from handler code ${frame}` : "from outside the handler modules (its stack shows none; a fault in tsmod itself?)";
  const requests = source ? [...source.requestsInFlight()] : [];
  const what = `stray error (${ORIGINS[origin]}) ${from}, ${describeRequests(requests)}`;
  const client = requests.length === 1 ? clientOf(requests[0]) : undefined;
  if (fatal) return { message: `${what}; the process cannot go on and exits:\n${text}`, level: APLOG_EMERG, client };
  return { message: `${what}; serving on:\n${text}`, level: frame ? APLOG_ERR : APLOG_CRIT, client };
}

/** `app/h.ts:12 (fn)` for the first stack frame in a loaded module, or null. */
function handlerFrame(stack: string, source: StraySource): string | null {
  for (const line of stack.split("\n")) {
    const m = /^\s+at (?:async )?(?:(.*?) \()?([^()]+?):(\d+):\d+\)?$/.exec(line);
    if (!m || !source.isLoadedModule(m[2])) continue;
    const file = path.relative(source.serverRoot, m[2]);
    return `${file.startsWith("..") ? m[2] : file}:${m[3]}${m[1] ? ` (${m[1]})` : ""}`;
  }
  return null;
}

function describeRequests(requests: IncomingMessage[]): string {
  if (requests.length === 0) return "with no request in flight";
  const named = requests.slice(0, NAMED_REQUESTS).map((r) => `${r.method} ${r.url} (client ${clientOf(r)})`);
  if (requests.length === 1) return `while serving ${named[0]}`;
  const more = requests.length > NAMED_REQUESTS ? ` and ${requests.length - NAMED_REQUESTS} more` : "";
  return `with ${requests.length} requests in flight: ${named.join(", ")}${more}`;
}

function clientOf(r: IncomingMessage): string {
  return `${r.socket?.remoteAddress ?? "?"}:${r.socket?.remotePort ?? "?"}`;
}
