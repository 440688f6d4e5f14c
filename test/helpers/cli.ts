import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as path from "node:path";

export const BIN = path.resolve(__dirname, "../../bin/tsmod.js");

/** Runs the tsmod command (of this checkout, or `bin`: an installed package's) to its end. */
export function runCli(args: string[], bin = BIN): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", timeout: 20000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface Served {
  readonly child: ChildProcess;
  readonly urls: string[];
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `tsmod serve -f file` (of this checkout, or `options.bin`: an installed package's) and
 * waits for its listening lines. With `options.fdLimit`, the server runs under `ulimit -n` (a
 * POSIX shell's), so it can be driven out of descriptors.
 */
export function serve(configFile: string, extra: string[] = [], expectedLines = 1, options: { bin?: string; fdLimit?: number } = {}): Promise<Served> {
  return new Promise((resolve, reject) => {
    const command = [process.execPath, options.bin ?? BIN, "serve", "-f", configFile, ...extra];
    const child =
      options.fdLimit === undefined
        ? spawn(command[0], command.slice(1), { stdio: ["ignore", "pipe", "pipe"] })
        : spawn("/bin/sh", ["-c", `ulimit -n ${options.fdLimit} && exec "$@"`, "sh", ...command], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`server did not start: ${out}`));
    }, 15000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const urls = [...out.matchAll(/^tsmod listening on (https?:\/\/\S+)$/gm)].map((m) => m[1]);
      if (urls.length >= expectedLines) {
        clearTimeout(timer);
        resolve({
          child,
          urls,
          output: () => out,
          stop: (signal = "SIGTERM") =>
            new Promise((res) => {
              if (child.exitCode !== null) return res(child.exitCode);
              child.once("exit", (code) => res(code));
              child.kill(signal);
            }),
        });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${out}`));
    });
  });
}
