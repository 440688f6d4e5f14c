/*
 * TypeScript's transpileModule keeps growing the process (V8 pages, malloc arenas) well past
 * its JS heap: 400 transpiles in the server's own thread grew RSS by 29-42 MiB here, 1000 by
 * 150-250 MiB. tsmod compiles in a thread it replaces every 50 compiles, whose memory goes back
 * to the system. Measured in a child process started with --expose-gc.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";

const SCRIPT = path.join(__dirname, "fixtures", "compile-memory.js");

function growthMiB(mode: "thread" | "in-process", compiles: number): number {
  const out = execFileSync(process.execPath, ["--expose-gc", SCRIPT, mode, String(compiles)], { encoding: "utf8", timeout: 60_000 });
  return (JSON.parse(out) as { growthMiB: number }).growthMiB;
}

test("400 compiles through the compiler thread leave RSS within 20 MiB", () => {
  expect(growthMiB("thread", 400)).toBeLessThan(20);
}, 60_000);

test("the same compiles in this thread do grow RSS (the test can fail)", () => {
  expect(growthMiB("in-process", 400)).toBeGreaterThan(25);
}, 60_000);
