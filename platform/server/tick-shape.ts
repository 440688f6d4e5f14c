import { executionAsyncResource } from "node:async_hooks";

/**
 * Keeps one `process.nextTick` queue entry alive for the life of the process.
 *
 * Why: V8 remembers the hidden classes of nextTick's entries (an object literal with two
 * computed symbol keys) in nextTick's feedback, and for such keys one unexpected class makes
 * the feedback megamorphic for good. The classes live only while some entry does; compiling
 * handlers and pages (TypeScript) runs full GCs while no tick is queued, the classes are
 * freed, the next entry gets new ones, and from then on every nextTick — Node's streams call
 * it several times per request — takes a runtime call. That cost 2-3 µs per request (a quarter
 * of the PSP benchmark's throughput). An entry that stays alive keeps its classes.
 */
let held: object | null = null;

export function holdTickShape(): void {
  if (held) return;
  held = {};
  process.nextTick(() => {
    // Inside a tick callback the current async resource is the queue entry itself.
    held = executionAsyncResource();
  });
}
