import * as fs from "node:fs";
import * as path from "node:path";

/** `PidFile`: written once the server listens, removed when it exits; the apachectl verbs read it. */
export function writePidFile(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${process.pid}\n`);
  const remove = () => {
    try {
      // Only our own: a server started since may have written its number there.
      if (fs.readFileSync(file, "utf8").trim() === String(process.pid)) fs.unlinkSync(file);
    } catch {
      // Already gone.
    }
  };
  process.once("exit", remove);
}

/** The running server's process id from its PID file, or null when none is running. */
export function runningPid(file: string): number | null {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8").trim();
  } catch {
    return null;
  }
  const pid = Number(text);
  if (!/^\d+$/.test(text) || pid <= 1) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (e) {
    // EPERM: it runs, as another user.
    return (e as NodeJS.ErrnoException).code === "EPERM" ? pid : null;
  }
}
