/*
 * Memory across reloads, measured in a child process started with --expose-gc (jest does not
 * expose gc): 60 reloads of a module holding a 2 MiB buffer would keep ~120 MiB if old
 * versions stayed reachable. The same loop over Node's require cache shows that they would,
 * so the measurement can fail.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";

const SCRIPT = path.join(__dirname, "fixtures", "reload-memory.js");
const RELOADS = 60;
const KIB = 2048;

interface Result {
  growthMiB: number;
  carried: number;
}

function run(mode: "registry" | "naive"): Result {
  const out = execFileSync(process.execPath, ["--expose-gc", SCRIPT, mode, String(RELOADS), String(KIB)], { encoding: "utf8", timeout: 30_000 });
  return JSON.parse(out) as Result;
}

test("reloading through the registry keeps memory flat; state still carries over", () => {
  const result = run("registry");
  // Leaking every version would be RELOADS * KIB = 120 MiB; five versions' worth is the bound.
  expect(result.growthMiB).toBeLessThan((5 * KIB) / 1024);
  // The 10 warm-up loads are reloads too: __reload__ ran for every version but the first.
  expect(result.carried).toBe(RELOADS + 9);
});

test("the naive require-cache reload of the same module does grow (the test can fail)", () => {
  expect(run("naive").growthMiB).toBeGreaterThan((RELOADS * KIB) / 1024 / 2);
});
