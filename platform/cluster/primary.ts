import cluster, { type Worker } from "node:cluster";
import { APLOG_ERR, APLOG_NOTICE } from "../constants";
import type { SiteConfig } from "../module";
import { ConfigErrors, ErrorCode, TsmodError } from "../errors";
import { ErrorLog } from "../log";
import { describeStray, gracefulShutdownMs, guardProcess } from "../server";
import { isMessage, type PrimaryMessage, type WorkerMessage } from "./messages";
import { RestartBackoff } from "./restart-backoff";

export interface PrimaryOptions {
  /** Loads and checks the configuration file again (throws `ConfigErrors`). */
  readonly load: () => SiteConfig;
}

/** A stopping worker cuts its connections after its GracefulShutdownTimeout; this is its time to exit after that. */
const EXIT_MARGIN_MS = 2000;

interface Member {
  readonly worker: Worker;
  readonly started: number;
  /** The GracefulShutdownTimeout of the configuration it was started with (Infinity: none). */
  readonly graceMs: number;
  listening: boolean;
  /** Told to stop (reload or shutdown): its exit is expected. */
  retiring: boolean;
}

/**
 * The primary of `Workers N`: it serves no requests itself. Node's cluster shares the
 * listening sockets among the workers (the primary accepts and hands connections round
 * robin; a `listen(0)` gets one port for all of them). A worker that dies is replaced, after
 * a back-off when they keep dying young. A reload checks the configuration first, then
 * replaces the workers one at a time: a new one is listening before an old one stops
 * accepting, so no connection is refused.
 */
export class ClusterPrimary {
  private readonly members = new Map<number, Member>();
  private readonly backoff = new RestartBackoff();
  private readonly timers = new Set<NodeJS.Timeout>();
  private config: SiteConfig;
  private errorLog: ErrorLog;
  private urls: string[] = [];
  private running = false;
  private stopping: Promise<void> | null = null;
  private reloading: Promise<boolean> = Promise.resolve(true);

  constructor(
    private readonly options: PrimaryOptions,
    config: SiteConfig,
  ) {
    this.config = config;
    this.errorLog = new ErrorLog(config.mainServer.core.errorLog, config.mainServer.core.logLevel);
  }

  /** Writes to the primary's error log (what runs beside the workers: the deploy watch). */
  log(message: string, level: number): void {
    this.errorLog.log(message, level);
  }

  /**
   * Starts the workers; resolves with the listening URLs once every one accepts connections.
   * The primary runs no handler code: a stray error here is logged at `crit`, and it serves on.
   */
  async start(): Promise<string[]> {
    guardProcess(
      (err, origin, fatal) => {
        const report = describeStray(err, origin, fatal, null);
        this.errorLog.log(report.message, report.level);
      },
      () => this.errorLog.close(),
    );
    const results = await Promise.allSettled(Array.from({ length: this.config.main.workers }, () => this.fork()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) {
      await this.stop();
      throw failed.reason;
    }
    this.running = true;
    return this.urls;
  }

  reload(): Promise<boolean> {
    this.reloading = this.reloading.then(() => this.reloadNow());
    return this.reloading;
  }

  /** Stops every worker gracefully (each drains its requests) and resolves when all are gone. */
  stop(): Promise<void> {
    this.stopping ??= this.stopNow();
    return this.stopping;
  }

  private fork(): Promise<Member> {
    const worker = cluster.fork();
    const member: Member = { worker, started: Date.now(), graceMs: gracefulShutdownMs(this.config), listening: false, retiring: false };
    this.members.set(worker.id, member);
    // IPC errors (a worker gone while we send) surface through its exit.
    worker.on("error", () => undefined);
    return new Promise((resolve, reject) => {
      worker.on("message", (m: unknown) => {
        if (!isMessage<WorkerMessage>(m, "listening")) return;
        member.listening = true;
        if (this.urls.length === 0) this.urls = m.urls;
        resolve(member);
      });
      worker.once("exit", (code: number | null, signal: string | null) => {
        this.members.delete(worker.id);
        if (!member.listening) {
          reject(new TsmodError(ErrorCode.WORKER_START, `worker ${worker.process.pid} exited (${describeExit(code, signal)}) before it was listening`));
        }
        this.exited(member, code, signal);
      });
    });
  }

  private exited(member: Member, code: number | null, signal: string | null): void {
    if (!this.running || this.stopping || member.retiring) return;
    const delay = this.backoff.next(Date.now() - member.started);
    const when = delay ? ` in ${delay} ms` : "";
    this.errorLog.log(`worker ${member.worker.process.pid} exited (${describeExit(code, signal)}); starting a replacement${when}`, APLOG_ERR);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.refill();
    }, delay);
    this.timers.add(timer);
  }

  /** Forks workers until `Workers` of them are serving (or starting). */
  private refill(): void {
    if (this.stopping) return;
    const active = [...this.members.values()].filter((m) => !m.retiring).length;
    // A replacement that dies before listening is reported (and replaced) by its exit.
    for (let i = active; i < this.config.main.workers; i++) this.fork().catch(() => undefined);
  }

  private async reloadNow(): Promise<boolean> {
    if (!this.running || this.stopping) return false;
    let config: SiteConfig;
    try {
      config = this.options.load();
    } catch (e) {
      const msg = e instanceof ConfigErrors ? e.message : ((e as Error).stack ?? String(e));
      this.errorLog.log(`configuration reload failed, keeping the running workers:\n${msg}`, APLOG_ERR);
      return false;
    }
    const previousLog = this.errorLog;
    this.errorLog = new ErrorLog(config.mainServer.core.errorLog, config.mainServer.core.logLevel);
    void previousLog.close();
    this.config = config;
    const old = [...this.members.values()].filter((m) => !m.retiring);
    const rounds = Math.max(old.length, config.main.workers);
    for (let i = 0; i < rounds; i++) {
      if (this.stopping) return false;
      if (i < config.main.workers) {
        try {
          await this.fork();
        } catch (e) {
          this.errorLog.log(`configuration reload: a new worker failed to start (${(e as Error).message}); the remaining old workers keep serving`, APLOG_ERR);
          return false;
        }
      }
      if (i < old.length) this.retire(old[i], false);
    }
    this.errorLog.log(`configuration reloaded from ${config.parsed.configFile}: ${config.main.workers} new worker(s), ${old.length} old one(s) draining`, APLOG_NOTICE);
    return true;
  }

  /**
   * Asks a worker to stop gracefully: it answers its requests, for as long as they take unless
   * its GracefulShutdownTimeout says otherwise; one still there past that bound is killed.
   */
  private retire(member: Member, wholeCluster: boolean): void {
    member.retiring = true;
    const { worker } = member;
    const stop: PrimaryMessage = { tsmod: "stop", wholeCluster };
    if (worker.isConnected()) worker.send(stop);
    else worker.process.kill("SIGTERM");
    if (!Number.isFinite(member.graceMs)) return;
    const kill = setTimeout(() => worker.process.kill("SIGKILL"), member.graceMs + EXIT_MARGIN_MS);
    worker.once("exit", () => clearTimeout(kill));
  }

  private async stopNow(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const exits = [...this.members.values()].map(
      (m) =>
        new Promise<void>((resolve) => {
          m.worker.once("exit", () => resolve());
          this.retire(m, true);
        }),
    );
    await Promise.all(exits);
    await this.errorLog.close();
  }
}

function describeExit(code: number | null, signal: string | null): string {
  return signal ? `signal ${signal}` : `exit code ${code}`;
}
