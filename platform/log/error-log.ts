import * as fs from "node:fs";
import { APLOG_ERR } from "../constants";
import { escapeErrorLogText } from "./escape";

const LEVEL_NAMES = ["emerg", "alert", "crit", "error", "warn", "notice", "info", "debug"];

/** Where error-log lines go: a file (appended), stderr or stdout, or a function (tests). */
export type LogSink = string | ((line: string) => void);

/**
 * Apache-format error log: `[time] [tsmod:level] [pid N] [client ip:port] message`. Writes go
 * through a stream and never block a request; lines above `LogLevel` are dropped early. A
 * message of several lines (a stack trace) gets the prefix on every line, as mod_python logged
 * tracebacks; control characters within a line are escaped (`\x1b`), so text a client or a
 * handler supplied can neither drive a terminal nor forge a line.
 */
export class ErrorLog {
  private readonly write: (line: string) => void;
  private readonly stream: fs.WriteStream | null = null;

  constructor(
    sink: LogSink,
    readonly level: number,
  ) {
    if (typeof sink === "function") this.write = sink;
    else if (sink === "stderr") this.write = (l) => process.stderr.write(l);
    else if (sink === "stdout") this.write = (l) => process.stdout.write(l);
    else {
      const stream = fs.createWriteStream(sink, { flags: "a" });
      stream.on("error", (e) => process.stderr.write(`tsmod: cannot write error log ${sink}: ${e.message}\n`));
      this.stream = stream;
      this.write = (l) => stream.write(l);
    }
  }

  enabled(level: number): boolean {
    return level <= this.level;
  }

  log(message: string, level: number = APLOG_ERR, client?: string): void {
    if (level > this.level) return;
    const name = LEVEL_NAMES[Math.max(0, Math.min(level, 7))];
    const prefix = `[${formatTime(new Date())}] [tsmod:${name}] [pid ${process.pid}]${client ? ` [client ${client}]` : ""} `;
    this.write(message.split("\n").map((l) => prefix + escapeErrorLogText(l)).join("\n") + "\n");
  }

  close(): Promise<void> {
    const s = this.stream;
    return s ? new Promise((resolve) => s.end(resolve)) : Promise.resolve();
  }
}

/** Apache's error-log time stamp: `Tue Nov 24 06:08:14.123456 2026`. */
function formatTime(d: Date): string {
  const [wd, mon, day, year] = d.toDateString().split(" ");
  const t = d.toTimeString().slice(0, 8);
  const micro = String(d.getMilliseconds() * 1000).padStart(6, "0");
  return `${wd} ${mon} ${day} ${t}.${micro} ${year}`;
}
