import * as path from "node:path";
import type { MessagePort, Worker } from "node:worker_threads";
import type * as WorkerThreads from "node:worker_threads";
import { lazyModule } from "../lazy-module";

/** Loaded with the first compile: a site of plain `.js`/`.cjs` handlers never starts a thread. */
const workerThreads = lazyModule<typeof WorkerThreads>("node:worker_threads");

export type CompileAnswer = { js: string } | { errors: string[] };

/*
 * TypeScript's `transpileModule` runs in a worker thread that is replaced from time to time,
 * because the memory it churns through is not given back while its isolate lives: in the
 * server's own thread, 1000 reloads grew RSS by 150-250 MB with a flat JS heap (V8 keeps the
 * pages, malloc keeps its arenas). A thread's memory is returned when the thread ends.
 * Module loading stays synchronous (a handler's `require` of a site module must be), so the
 * caller blocks in `Atomics.wait` until the thread answers.
 */
const WORKER_SCRIPT = path.join(__dirname, "compile-worker.js");
/**
 * After this many compiles the thread is replaced by a fresh one, which warms up in the
 * background. Ending the old one first means two compilers (~60 MB each) never coexist.
 */
const RECYCLE_AFTER = 50;
/** A thread with nothing to do for this long ends; the next compile starts a new one. */
const IDLE_MS = 120_000;
/**
 * The server thread is blocked while it waits: a thread that died (it cannot say so while the
 * server waits) costs this long once, then the next compile starts a fresh one. A cold start
 * takes ~0.5 s and a large module a second or two.
 */
const ANSWER_TIMEOUT_MS = 20_000;

interface Thread {
  worker: Worker;
  port: MessagePort;
  signal: Int32Array;
  compiles: number;
}

function spawn(onExit: (thread: Thread) => void): Thread {
  const { MessageChannel, Worker } = workerThreads();
  const { port1, port2 } = new MessageChannel();
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(WORKER_SCRIPT, { workerData: { port: port2, signal }, transferList: [port2] });
  // A compiler thread never keeps the process alive (CLI commands, tests, a draining server).
  worker.unref();
  const thread: Thread = { worker, port: port1, signal, compiles: 0 };
  worker.once("exit", () => onExit(thread));
  return thread;
}

class CompilerThreads {
  private current: Thread | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private readonly forget = (thread: Thread): void => {
    if (this.current === thread) this.current = null;
    thread.port.close();
  };

  compile(filename: string, source: string): CompileAnswer {
    const thread = (this.current ??= spawn(this.forget));
    Atomics.store(thread.signal, 0, 0);
    thread.port.postMessage({ filename, source });
    const waited = Atomics.wait(thread.signal, 0, 0, ANSWER_TIMEOUT_MS);
    const reply = workerThreads().receiveMessageOnPort(thread.port);
    if (!reply) {
      this.end(thread);
      return { errors: [`${filename}: the compiler thread did not answer (${waited})`] };
    }
    if (++thread.compiles >= RECYCLE_AFTER) {
      this.end(thread);
      this.current = spawn(this.forget);
    }
    this.armIdleTimer();
    return reply.message as CompileAnswer;
  }

  private armIdleTimer(): void {
    if (this.idleTimer) {
      this.idleTimer.refresh();
      return;
    }
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.current) this.end(this.current);
    }, IDLE_MS).unref();
  }

  private end(thread: Thread): void {
    this.forget(thread);
    void thread.worker.terminate();
  }
}

export const compilerThreads = new CompilerThreads();
