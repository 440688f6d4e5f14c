import { DEFAULT_FORM_LIMITS, FileField, parseForm } from "../../platform/forms";
import { streamedUpload, useTmpDir } from "./form-helpers";

// The real module object, which fs.WriteStream calls through, so a spy on it slows the disk.
import fs = require("node:fs");

const tmp = useTmpDir();

const CHUNK = 64 * 1024;
const CHUNKS = 256;
const BOUNDARY = "tsmod-backpressure";

/**
 * A disk that takes `delayMs` per write; `written()` is the number of bytes it has finished.
 * WriteStream uses writev when it has several chunks queued, so both are slowed.
 */
function slowDisk(delayMs: number): { written(): number } {
  let written = 0;
  const later = <A extends unknown[]>(cb: (err: NodeJS.ErrnoException | null, n: number, ...rest: A) => void) =>
    (err: NodeJS.ErrnoException | null, n: number, ...rest: A): void => {
      setTimeout(() => {
        written += n;
        cb(err, n, ...rest);
      }, delayMs);
    };
  const { write, writev } = fs;
  type WriteCallback = (err: NodeJS.ErrnoException | null, n: number, buffer: NodeJS.ArrayBufferView) => void;
  type WritevCallback = (err: NodeJS.ErrnoException | null, n: number, buffers: NodeJS.ArrayBufferView[]) => void;
  const slowWrite = (fd: number, buffer: NodeJS.ArrayBufferView, offset: number, length: number, position: number | null, cb: WriteCallback) =>
    write(fd, buffer, offset, length, position, later(cb));
  const slowWritev = (fd: number, buffers: NodeJS.ArrayBufferView[], position: number | null, cb: WritevCallback) =>
    writev(fd, buffers, position, later(cb));
  jest.spyOn(fs, "write").mockImplementation(slowWrite as typeof fs.write);
  jest.spyOn(fs, "writev").mockImplementation(slowWritev as typeof fs.writev);
  return { written: () => written };
}

afterEach(() => jest.restoreAllMocks());

test("a slow disk throttles the request body instead of queueing the upload in memory", async () => {
  const disk = slowDisk(2);
  const block = Buffer.alloc(CHUNK, "x");
  // Bytes the parser has taken from the body but the disk has not finished: what sits in memory.
  let taken = 0;
  let mostHeld = 0;
  const input = streamedUpload(BOUNDARY, CHUNK * CHUNKS, function* () {
    for (let i = 0; i < CHUNKS; i++) {
      mostHeld = Math.max(mostHeld, taken - disk.written());
      taken += CHUNK;
      yield block;
    }
  });

  const form = await parseForm(input, { tmpDir: tmp.path, limits: { ...DEFAULT_FORM_LIMITS, maxBodySize: Infinity } });

  const file = form.getfirst("file");
  expect(file).toBeInstanceOf(FileField);
  expect((file as FileField).size).toBe(CHUNK * CHUNKS);
  // 16 MiB went through; with backpressure only a few chunks are ever between socket and disk.
  expect(mostHeld).toBeLessThanOrEqual(16 * CHUNK);
  await form.dispose();
});
