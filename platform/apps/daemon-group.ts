import { fork, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { APLOG_ERR, APLOG_INFO, APLOG_WARNING } from "../constants";
import type { ErrorLog } from "../log";
import type { DaemonSpec } from "./daemon-directives";
import { DAEMON_ENV, type DaemonMessage } from "./daemon-protocol";

/** `bin/tsmod.js` of this package, from the built files or the sources. */
function findBin(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const bin = path.join(dir, "bin", "tsmod.js");
    if (fs.existsSync(bin)) return bin;
  }
  throw new Error("cannot find bin/tsmod.js to start daemon processes");
}

/** One process of a group. */
export class DaemonProcess {
  /** Connections to the process are kept open: a new one per request would cost more than the request. */
  readonly agent = new http.Agent({ keepAlive: true });
  inFlight = 0;
  served = 0;
  retiring = false;
  exited = false;
  readonly ready: Promise<void>;
  private readonly exitListeners = new Set<(reason: string) => void>();

  constructor(
    readonly child: ChildProcess,
    readonly socketPath: string,
  ) {
    this.ready = new Promise((resolve, reject) => {
      child.on("message", (m: DaemonMessage) => {
        if (m.type === "ready") resolve();
      });
      child.once("exit", () => reject(new Error("the daemon process exited before it was ready")));
    });
    // Its readiness is awaited by requests; one nobody waits for must not be an unhandled rejection.
    this.ready.catch(() => undefined);
    child.once("exit", (code, signal) => {
      this.exited = true;
      this.agent.destroy();
      const reason = signal ? `killed by ${signal}` : `exited with code ${code}`;
      for (const fn of this.exitListeners) fn(reason);
    });
  }

  /** Calls `fn` with the reason if the process ends; returns the function that stops listening. */
  onExit(fn: (reason: string) => void): () => void {
    this.exitListeners.add(fn);
    return () => this.exitListeners.delete(fn);
  }

  kill(): void {
    if (!this.exited) this.child.kill("SIGKILL");
  }
}

/**
 * A `TsDaemonProcess` pool (mod_wsgi's daemon mode): `processes` separate Node processes serving
 * the apps of the sections that name the group. A process that dies is replaced; one that
 * served `maximum-requests` or outgrew `memory-limit` is retired gracefully (no new requests,
 * SIGTERM once idle, SIGKILL after `graceful-timeout`) and replaced at once.
 */
export class DaemonGroup {
  private readonly members: DaemonProcess[] = [];
  private closing = false;
  private counter = 0;
  private readonly dir: string;
  private readonly bin = findBin();

  constructor(
    readonly spec: DaemonSpec,
    private readonly errorLog: ErrorLog,
  ) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `tsmod-daemon-${spec.name}-`));
    for (let i = 0; i < spec.processes; i++) this.spawn();
  }

  /** The least busy process ready for a request. */
  async pick(): Promise<DaemonProcess> {
    const live = this.members.filter((m) => !m.retiring && !m.exited);
    while (live.length < this.spec.processes && !this.closing) live.push(this.spawn());
    let best = live[0];
    for (const m of live) if (m.inFlight < best.inFlight) best = m;
    await best.ready;
    return best;
  }

  /** A request to `member` is over; `maximum-requests` may retire it. */
  done(member: DaemonProcess): void {
    member.inFlight--;
    member.served++;
    const max = this.spec.maximumRequests;
    if (max > 0 && member.served >= max && !member.retiring) this.retire(member, `served maximum-requests (${max})`);
    else if (member.retiring && member.inFlight === 0) this.stopIdle(member);
  }

  /** The process hung or broke: killed now, replaced. */
  fail(member: DaemonProcess, reason: string): void {
    this.errorLog.log(`daemon group ${this.spec.name}: process ${member.child.pid} ${reason}; replaced`, APLOG_ERR);
    member.retiring = true;
    member.kill();
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.members.map((m) => this.retire(m, "the configuration retired")));
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private spawn(): DaemonProcess {
    const socketPath = path.join(this.dir, `p${++this.counter}.sock`);
    const limit = this.spec.memoryLimitMb;
    const child = fork(this.bin, ["daemon-process"], {
      env: { ...process.env, [DAEMON_ENV.socket]: socketPath, [DAEMON_ENV.group]: this.spec.name, [DAEMON_ENV.memoryMb]: String(limit) },
      // A leak that outgrows the heap limit ends the process (and its request) before the machine suffers.
      execArgv: limit > 0 ? [`--max-old-space-size=${limit}`] : [],
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding("utf8");
      stream?.on("data", (text: string) => {
        for (const line of text.split("\n")) if (line.trim()) this.errorLog.log(`daemon group ${this.spec.name}: ${line}`, APLOG_WARNING);
      });
    }
    const member = new DaemonProcess(child, socketPath);
    this.members.push(member);
    child.on("message", (m: DaemonMessage) => {
      if (m.type === "over-memory") this.retire(member, `uses ${m.rssMb} MB, over memory-limit (${limit} MB)`);
    });
    member.onExit((reason) => {
      this.members.splice(this.members.indexOf(member), 1);
      if (!member.retiring) this.errorLog.log(`daemon group ${this.spec.name}: process ${child.pid} ${reason}`, APLOG_ERR);
      if (!this.closing && this.members.filter((m) => !m.retiring).length < this.spec.processes) this.spawn();
    });
    return member;
  }

  /** No new requests; stopped once its requests are done, killed after graceful-timeout. */
  private retire(member: DaemonProcess, why: string): Promise<void> {
    if (member.exited) return Promise.resolve();
    if (!member.retiring) this.errorLog.log(`daemon group ${this.spec.name}: process ${member.child.pid} ${why}; retiring it`, APLOG_INFO);
    member.retiring = true;
    if (!this.closing) while (this.members.filter((m) => !m.retiring && !m.exited).length < this.spec.processes) this.spawn();
    const gone = new Promise<void>((resolve) => member.onExit(() => resolve()));
    if (member.inFlight === 0) this.stopIdle(member);
    const timer = setTimeout(() => member.kill(), this.spec.gracefulTimeout * 1000);
    timer.unref();
    return gone.finally(() => clearTimeout(timer));
  }

  private stopIdle(member: DaemonProcess): void {
    if (!member.exited) member.child.kill("SIGTERM");
  }
}
