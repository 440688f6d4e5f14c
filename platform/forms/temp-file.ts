import { randomBytes } from "node:crypto";
import { createWriteStream, rmSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

import { outOfFiles } from "../errors";

/** An upload being written to its temporary file. */
export interface Spool {
  readonly path: string;
  /**
   * The number of bytes written. Settles only once the file descriptor is closed, so a file
   * removed after it settles cannot be re-created by a late open. Rejects with a 503 when no
   * file descriptor was left to open the file with.
   */
  readonly done: Promise<number>;
  /**
   * Stops the upload: the file descriptor is closed as soon as no write is in progress on it,
   * and `done` rejects with `reason`. Does nothing once the file is complete.
   */
  cancel(reason: Error): void;
}

/**
 * Every temporary file this process has made and not removed yet. A request removes its own
 * when it ends; these are what is left when the process exits before that (a stop whose grace
 * ran out on a handler that never returned, a second SIGTERM), removed on the way out.
 */
const live = new Set<string>();
let removedAtExit = false;

/**
 * Streams `source` into a new file in `dir`. The name is 128 random bits and the file is
 * opened with O_EXCL and mode 0600: it cannot be guessed, pre-created or symlinked by another
 * local user, and only this process's user can read it.
 */
export function spoolToTempFile(dir: string, source: Readable): Spool {
  const path = join(dir, `tsmod-upload-${randomBytes(16).toString("hex")}`);
  if (!removedAtExit) {
    removedAtExit = true;
    process.once("exit", removeLiveFiles);
  }
  live.add(path);
  const sink = createWriteStream(path, { flags: "wx", mode: 0o600 });
  const done = pipeline(source, sink)
    .catch((err: unknown) => {
      throw outOfFiles(err, "a temporary file for an upload") ?? err;
    })
    .finally(() => (sink.closed ? undefined : new Promise<void>((resolve) => sink.once("close", () => resolve()))))
    .then(() => sink.bytesWritten);
  return { path, done, cancel: (reason) => sink.destroy(reason) };
}

/** Removes files, ignoring those already gone. */
export async function removeFiles(paths: Iterable<string>): Promise<void> {
  await Promise.all(
    [...paths].map(async (path) => {
      await rm(path, { force: true });
      live.delete(path);
    }),
  );
}

/** At exit only synchronous work runs. */
function removeLiveFiles(): void {
  for (const path of live) {
    try {
      rmSync(path, { force: true });
    } catch {
      // Nothing more can be done for it at exit; the others still go.
    }
  }
}
