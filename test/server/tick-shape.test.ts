/*
 * holdTickShape keeps process.nextTick's feedback monomorphic through full GCs that run while
 * no tick is queued (see platform/server/tick-shape.ts). Read in a child process started with
 * --allow-natives-syntax: %DebugPrint shows the state of nextTick's literal slots.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";

const SCRIPT = path.join(__dirname, "fixtures", "tick-shape.js");

function literalSlots(mode: "hold" | "none" | "server"): string[] {
  const out = execFileSync(process.execPath, ["--allow-natives-syntax", "--expose-gc", SCRIPT, mode], { encoding: "utf8", timeout: 30_000 });
  return out.split("\n").filter((l) => l.includes("DefineKeyedOwnPropertyInLiteral"));
}

test("with the held entry, nextTick's literal slots stay monomorphic", () => {
  const slots = literalSlots("hold");
  expect(slots).toHaveLength(4);
  for (const s of slots) expect(s).toContain("MONOMORPHIC");
});

test("a started server holds one", () => {
  const slots = literalSlots("server");
  expect(slots).toHaveLength(4);
  for (const s of slots) expect(s).toContain("MONOMORPHIC");
});

test("without it the same GCs turn them megamorphic (the test can fail)", () => {
  expect(literalSlots("none").filter((s) => s.includes("MEGAMORPHIC")).length).toBeGreaterThan(0);
});
