import { spawn } from "node:child_process";
import * as fs from "node:fs";
import { loadSiteConfig, type ModuleSet } from "../module";
import { reportConfigErrors } from "./report-errors";
import { runningPid } from "./pid-file";

/** apachectl's verbs, on the server a configuration's `PidFile` names. */
export const CONTROL_VERBS = ["start", "stop", "graceful", "graceful-stop", "restart", "status"] as const;
export type ControlVerb = (typeof CONTROL_VERBS)[number];

const START_WAIT_MS = 15_000;
const POLL_MS = 50;

export async function control(verb: ControlVerb, file: string, defines: string[], modules: ModuleSet): Promise<number> {
  let pidFile: string | null;
  try {
    pidFile = loadSiteConfig(file, modules, { defines }).main.pidFile;
  } catch (e) {
    reportConfigErrors(e);
    return 1;
  }
  if (!pidFile) return fail(`${file} has no PidFile directive: tsmod ${verb} finds the server through it`);
  const pid = runningPid(pidFile);
  switch (verb) {
    case "status":
      if (pid === null) return fail(`tsmod is not running (no live process in ${pidFile})`, 3);
      process.stdout.write(`tsmod is running: pid ${pid}, up ${Math.round((Date.now() - fs.statSync(pidFile).mtimeMs) / 1000)} s\n`);
      return 0;
    case "start":
      if (pid !== null) return fail(`tsmod is already running (pid ${pid})`);
      return start(file, defines, pidFile);
    case "graceful":
    case "restart":
      // SIGHUP: re-read the configuration, requests in flight finish on the old one.
      if (pid === null) return verb === "restart" ? start(file, defines, pidFile) : fail(`tsmod is not running (no live process in ${pidFile})`);
      process.kill(pid, "SIGHUP");
      return 0;
    case "stop":
    case "graceful-stop":
      if (pid === null) return fail(`tsmod is not running (no live process in ${pidFile})`);
      process.kill(pid, "SIGTERM");
      await until(() => !alive(pid), Infinity);
      return 0;
  }
}

/** `tsmod serve` detached; done once it has written its PID file (it listens by then). */
async function start(file: string, defines: string[], pidFile: string): Promise<number> {
  const args = [process.argv[1], "serve", "-f", file, ...defines.flatMap((d) => ["-D", d])];
  const child = spawn(process.execPath, args, { detached: true, stdio: "ignore" });
  let exited: number | null = null;
  child.once("exit", (code) => (exited = code ?? 1));
  const started = await until(() => exited !== null || runningPid(pidFile) === child.pid, START_WAIT_MS);
  child.unref();
  if (exited !== null) return fail(`tsmod: the server exited (status ${exited}) before listening; run 'tsmod serve -f ${file}' to see why`);
  if (!started) return fail(`tsmod: the server did not write ${pidFile} within ${START_WAIT_MS / 1000} s`);
  process.stdout.write(`tsmod started: pid ${child.pid}\n`);
  return 0;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(done: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return true;
}

function fail(message: string, code = 1): number {
  process.stderr.write(message + "\n");
  return code;
}
