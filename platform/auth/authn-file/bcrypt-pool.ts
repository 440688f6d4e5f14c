import { availableParallelism } from "node:os";
import type * as WorkerThreads from "node:worker_threads";
import { lazyModule } from "../../lazy-module";

/** Only a site that checks bcrypt passwords loads worker_threads. */
const workerThreads = lazyModule<typeof WorkerThreads>("node:worker_threads");

/**
 * bcrypt on worker threads: a check costs milliseconds of CPU (bcryptjs is pure JavaScript), so
 * on the event loop a series of wrong passwords would hold up every other client. The workers
 * are made on first use, shared by the process, and never keep it alive.
 */
const SOURCE = `
const { parentPort } = require("node:worker_threads");
const bcrypt = require(${JSON.stringify(require.resolve("bcryptjs"))});
parentPort.on("message", ({ id, password, hash }) => {
  let ok = false;
  try { ok = bcrypt.compareSync(password, hash); } catch {}
  parentPort.postMessage({ id, ok });
});
`;

interface Slot {
  readonly worker: WorkerThreads.Worker;
  readonly pending: Map<number, (ok: boolean) => void>;
}

/** Leaves a core to the event loop; at most 4 (more only helps an attacker's throughput). */
const POOL_SIZE = Math.max(1, Math.min(4, availableParallelism() - 1));

let slots: Slot[] | null = null;
let nextId = 0;

function newSlot(): Slot {
  const slot: Slot = { worker: new (workerThreads().Worker)(SOURCE, { eval: true }), pending: new Map() };
  slot.worker.on("message", ({ id, ok }: { id: number; ok: boolean }) => {
    const done = slot.pending.get(id);
    slot.pending.delete(id);
    done?.(ok);
  });
  // A worker that dies fails its checks closed (no match) and leaves the pool, which is made
  // again once empty; not at once, or the exits at process end would start workers forever.
  const fail = () => {
    for (const done of slot.pending.values()) done(false);
    slot.pending.clear();
    const left = slots?.filter((s) => s !== slot) ?? [];
    slots = left.length ? left : null;
  };
  slot.worker.on("error", fail);
  slot.worker.on("exit", fail);
  // After the listeners: adding a "message" listener refs the worker again.
  slot.worker.unref();
  return slot;
}

/** Whether `password` matches the bcrypt `hash` (`$2a$`/`$2b$`), computed on a worker thread. */
export function bcryptCompare(password: string, hash: string): Promise<boolean> {
  slots ??= Array.from({ length: POOL_SIZE }, newSlot);
  const slot = slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  const id = nextId++;
  return new Promise((resolve) => {
    slot.pending.set(id, resolve);
    slot.worker.postMessage({ id, password, hash });
  });
}
