import * as path from "node:path";

/** tsmod's own folder: the checkout, or the installed package's dist/. */
const TSMOD_ROOT = path.resolve(__dirname, "..", "..");
/** The folders and loose files of tsmod's own code under TSMOD_ROOT (sites live elsewhere). */
const OWN_DIRS = ["platform", "sessions", "publisher", "psp-templates", "handlers"].map((d) => path.join(TSMOD_ROOT, d) + path.sep);
const OWN_FILES = /^(?:index|builtins|testing)\.[jt]s$/;
/** `    at fn (/file.ts:1:2)` or `    at /file.ts:1:2`: the location, without line and column. */
const FRAME = /^\s+at (?:.*\()?(.*?)(?::\d+:\d+)?\)?$/;

/** Whether a stack frame is tsmod's or Node's own (no file a site wrote). */
function isOwnFrame(line: string): boolean {
  const where = FRAME.exec(line)?.[1] ?? "";
  if (!path.isAbsolute(where)) return true; // node:internal/..., <anonymous>, index 0
  if (OWN_DIRS.some((d) => where.startsWith(d))) return true;
  return path.dirname(where) === TSMOD_ROOT && OWN_FILES.test(path.basename(where));
}

/**
 * What a thrown value says in the error log: its stack without the frames of tsmod and Node
 * (a handler's author can do nothing with them), unless `full` (LogLevel debug) or the stack
 * has no frame of the site's code at all and is not a TsmodError (then the fault may be
 * tsmod's, and every frame counts). Thrown non-errors are shown as values.
 */
export function errorText(err: unknown, full: boolean): string {
  const e = err as { stack?: unknown; message?: unknown } | null;
  if (typeof e?.stack !== "string") return typeof e?.message === "string" ? e.message : `thrown value: ${String(err)}`;
  if (full) return e.stack;
  const lines = e.stack.split("\n");
  const firstFrame = lines.findIndex((l) => FRAME.test(l));
  if (firstFrame < 0) return e.stack;
  const frames = lines.slice(firstFrame);
  const kept = frames.filter((l) => !isOwnFrame(l));
  // No frame of the site's code: a fault of tsmod's own shows where it happened, but a
  // TsmodError is a deliberate report whose message says it all.
  if ((kept.length === 0 && (err as { name?: unknown }).name !== "TsmodError") || kept.length === frames.length) return e.stack;
  const left = frames.length - kept.length;
  return [...lines.slice(0, firstFrame), ...kept, `    (${left} frame${left === 1 ? "" : "s"} of tsmod and Node.js left out; LogLevel debug shows them)`].join("\n");
}
