import * as fs from "node:fs";
import * as path from "node:path";
import { ModuleRegistry } from "../loader";
import type { BuiltinTable, CheckContext, DeepCheck } from "./define-module";

/**
 * configtest's deep check: one module registry (handler modules evaluated once each, as a
 * server's first request would), and the folder checks. `close` unloads what was evaluated.
 */
export class ConfigtestCheck implements DeepCheck {
  private registry: ModuleRegistry | null = null;
  private readonly reported = new Set<string>();

  constructor(
    private readonly builtins: BuiltinTable,
    private readonly report: CheckContext["report"],
  ) {}

  load(file: string): Record<string, unknown> {
    this.registry ??= new ModuleRegistry("configtest", { builtins: this.builtins });
    return this.registry.load(file, { autoReload: false });
  }

  writable(file: string, what: string, at: { file: string; line: number }, kind: "file" | "folder" = "file"): void {
    const problem = writeProblem(file, kind);
    const key = `${at.file}:${at.line}:${file}`;
    if (problem && !this.reported.has(key)) {
      this.reported.add(key);
      this.report(at.file, at.line, `${what} ${file}: ${problem}`);
    }
  }

  close(): void {
    this.registry?.close();
  }
}

/**
 * Why `target` could not be written, or null. A log file's folder must exist (the log is opened,
 * never its folder made); a data folder is made with its parents on first use.
 */
function writeProblem(target: string, kind: "file" | "folder"): string | null {
  if (fs.existsSync(target)) {
    const isDir = fs.statSync(target).isDirectory();
    if (kind === "folder" && !isDir) return "is not a folder";
    if (kind === "file" && isDir) return "is a folder";
    return canWrite(target) ? null : "cannot be written (permission denied)";
  }
  if (kind === "file") {
    const dir = path.dirname(target);
    if (!fs.existsSync(dir)) return `the folder ${dir} does not exist`;
    if (!fs.statSync(dir).isDirectory()) return `${dir} is not a folder`;
    return canWrite(dir) ? null : `cannot be created: ${dir} is not writable`;
  }
  let existing = path.dirname(target);
  while (!fs.existsSync(existing)) existing = path.dirname(existing);
  if (!fs.statSync(existing).isDirectory()) return `cannot be created: ${existing} is not a folder`;
  return canWrite(existing) ? null : `cannot be created: ${existing} is not writable`;
}

function canWrite(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
