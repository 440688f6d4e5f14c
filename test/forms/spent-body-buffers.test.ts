import { runInNewContext } from "node:vm";

import { DEFAULT_FORM_LIMITS, FileField, parseForm } from "../../platform/forms";
import { RELEASE_EVERY_BYTES, releaseBodyBuffers } from "../../platform/release-buffers";
import { streamedUpload, useTmpDir } from "./form-helpers";

const tmp = useTmpDir();

const CHUNK = 64 * 1024;
const MIB = 1024 * 1024;
const BOUNDARY = "tsmod-spent-buffers";

/** Allocates `count` chunks and drops them; answers the ArrayBuffer memory while they were held. */
function dropChunks(count: number): number {
  const spent: Buffer[] = [];
  for (let i = 0; i < count; i++) spent.push(Buffer.allocUnsafeSlow(CHUNK));
  return process.memoryUsage().arrayBuffers;
}

/** The ArrayBuffer memory freed since `held`, once it reaches `bytes` or a second has passed. */
async function freedSince(held: number, bytes: number): Promise<number> {
  const deadline = Date.now() + 1000;
  for (;;) {
    const freed = held - process.memoryUsage().arrayBuffers;
    if (freed >= bytes || Date.now() > deadline) return freed;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

test("releaseBodyBuffers frees buffers nothing refers to any more, without leaving a gc global", async () => {
  const held = dropChunks(128);
  releaseBodyBuffers();
  // V8 returns the memory of collected buffers from a background task, soon after the GC.
  expect(await freedSince(held, 128 * CHUNK)).toBeGreaterThanOrEqual(128 * CHUNK);
  expect(typeof (globalThis as { gc?: unknown }).gc).toBe("undefined");
  expect(runInNewContext("typeof gc")).toBe("undefined");
});

test("a long upload holds a bounded amount of spent body buffers, not V8's 32 MB batch", async () => {
  // Each chunk in a buffer of its own, as node:http hands a request body over.
  const chunks = (48 * MIB) / CHUNK;
  const before = process.memoryUsage().arrayBuffers;
  let mostHeld = 0;
  const input = streamedUpload(BOUNDARY, chunks * CHUNK, function* () {
    for (let i = 0; i < chunks; i++) {
      mostHeld = Math.max(mostHeld, process.memoryUsage().arrayBuffers - before);
      yield Buffer.allocUnsafeSlow(CHUNK).fill(i % 251);
    }
  });

  const form = await parseForm(input, {
    tmpDir: tmp.path,
    limits: { ...DEFAULT_FORM_LIMITS, maxBodySize: Infinity, maxFileSize: Infinity },
  });

  expect((form.getfirst("file") as FileField).size).toBe(chunks * CHUNK);
  expect(mostHeld).toBeLessThan(2 * RELEASE_EVERY_BYTES);
  await form.dispose();
});
