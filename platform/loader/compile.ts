import * as path from "node:path";
import type * as TS from "typescript";
import { ErrorCode, TsmodError } from "../errors";
import { lazyModule } from "../lazy-module";
import { compilerThreads } from "./compiler-thread";

/**
 * The TypeScript compiler, loaded on first use: it costs ~0.2 s and ~50 MB, which a server
 * that never compiles or parses anything should not pay at start.
 */
export const typescript = lazyModule<typeof TS>("typescript");

/**
 * Turns a handler module's source into CommonJS with an inline source map, so stack traces
 * point at the `.ts` lines. Only syntax is checked: type errors are the editor's business,
 * and a per-file transpile keeps a reload cheap. The work happens in the compiler thread.
 */
export function compileModule(filename: string, source: string): string {
  if (path.extname(filename) === ".cjs") return source;
  const answer = compilerThreads.compile(filename, source);
  if ("errors" in answer) throw new TsmodError(ErrorCode.MODULE_COMPILE, answer.errors.join("\n"));
  return answer.js;
}
