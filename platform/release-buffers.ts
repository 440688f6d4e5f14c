import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/**
 * How many bytes of request body may pass through a reader before it asks V8 to free the
 * buffers they came in. node:http hands each body chunk (up to 64 KiB) over in a buffer of its
 * own; a used one is freed only by V8's next young-generation GC, which V8 starts by itself
 * once 32 MB of them are outstanding, so a long upload held ~35 MB of spent chunks. A young
 * GC with almost nothing alive in it takes about 0.1 ms (measured); one per 8 MiB, some 40 a
 * second at loopback speed, keeps what an upload holds near 8 MiB at no measurable cost to
 * its throughput (npm run bench).
 */
export const RELEASE_EVERY_BYTES = 8 * 1024 * 1024;

type Collect = (options: { type: "minor" }) => void;

let collect: Collect | undefined;

/**
 * Runs a young-generation GC now. V8 exposes that only as `gc`, a global it installs in
 * contexts made while `--expose-gc` is set: the flag is set for one new context and cleared
 * again, so the site's own contexts (and `globalThis`) do not get a `gc` global.
 */
export function releaseBodyBuffers(): void {
  if (collect === undefined) {
    const exposed = (globalThis as { gc?: Collect }).gc;
    if (exposed !== undefined) collect = exposed;
    else {
      setFlagsFromString("--expose-gc");
      try {
        collect = runInNewContext("gc") as Collect;
      } finally {
        setFlagsFromString("--no-expose-gc");
      }
    }
  }
  collect({ type: "minor" });
}

/**
 * Called by every reader of a request body as it consumes a chunk, with its running total of
 * bytes before and after it: frees the spent buffers each time the total passes a multiple of
 * `RELEASE_EVERY_BYTES`, so a body smaller than that never causes a GC.
 */
export function bodyConsumed(before: number, after: number): void {
  if (Math.floor(after / RELEASE_EVERY_BYTES) > Math.floor(before / RELEASE_EVERY_BYTES)) releaseBodyBuffers();
}
