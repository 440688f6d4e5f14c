import type * as TS from "typescript";

let ts: typeof TS | undefined;

/**
 * The TypeScript parser, loaded on first use: it costs ~0.2 s, and a server that never
 * publishes anything (or only plain handlers) should not pay for it at start.
 */
export function typescript(): typeof TS {
  ts ??= require("typescript") as typeof TS;
  return ts;
}
