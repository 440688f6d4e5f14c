/*
 * Optional packages and Node modules load with the first feature that needs them, not at
 * start-up: each costs every process memory (1-3 MB apiece here; see platform/lazy-module.ts).
 * Checked in a child process, which starts a server, serves one request and lists what loaded.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";

const SCRIPT = path.join(__dirname, "fixtures", "start-up-modules.js");

test("a server with a plain handler loads neither mime-types, iron, Eta, https, http2, tls nor worker_threads", () => {
  const out = JSON.parse(execFileSync(process.execPath, [SCRIPT], { encoding: "utf8", timeout: 30_000 })) as {
    body: string;
    packages: string[];
    builtins: string[];
  };
  expect(out.body).toBe("hi");
  expect(out.packages).toEqual([]);
  expect(out.builtins).toEqual([]);
});
