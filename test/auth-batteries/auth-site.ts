import { spawn } from "node:child_process";
import * as path from "node:path";
import { BIN } from "../helpers/cli";

/** The configuration line that loads the test's Basic-auth-through-providers module. */
export const LOAD_TEST_PROVIDER = `LoadModule test_provider_basic ${path.join(__dirname, "provider-basic-module.ts")}`;

/** Runs `tsmod ARGS` with `input` on stdin (a password for --stdin). */
export function tsmod(args: string[], input = ""): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input);
  });
}

export function basic(user: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` };
}
