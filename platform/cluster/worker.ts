import cluster from "node:cluster";
import { compileModule } from "../loader";
import { IDLE_LINGER_MS, TsmodServer, type ServerOptions } from "../server";
import { isMessage, type PrimaryMessage, type WorkerMessage } from "./messages";

/**
 * When the whole cluster stops, the primary closes the shared listeners (resetting what waits
 * in their backlog, and what it has accepted but not handed over) as soon as the last worker
 * stops accepting. It hands a worker one connection per IPC round trip, so a worker goes on
 * accepting until none has come for this long.
 */
const LAST_HANDOFF_QUIET_MS = 250;

/**
 * One worker process: a whole server of its own on the listening sockets the cluster
 * shares. The primary coordinates reloads and stops, so a terminal's Ctrl-C or hang-up,
 * which reaches every process of the group, is left to it; SIGTERM sent to a worker alone
 * stops that worker gracefully (the primary then starts a replacement).
 */
export async function runWorker(configFile: string, options: ServerOptions): Promise<void> {
  process.on("SIGINT", () => undefined);
  process.on("SIGHUP", () => undefined);
  let server: TsmodServer | null = null;
  const stop = (wholeCluster: boolean) => {
    if (!server) process.exit(0);
    const acceptQuietMs = wholeCluster ? LAST_HANDOFF_QUIET_MS : 0;
    void server.close(undefined, { idleLingerMs: IDLE_LINGER_MS, acceptQuietMs }).then(leaveCluster);
  };
  process.on("SIGTERM", () => stop(false));
  process.on("message", (m: unknown) => {
    if (isMessage<PrimaryMessage>(m, "stop")) stop(m.wholeCluster);
  });
  // A new worker gets connections as soon as it listens (a reload puts it straight into a
  // busy pool): start the compiler thread first, not on its first request.
  compileModule("worker-warm-up.ts", "export {};");
  try {
    server = await TsmodServer.start(configFile, options);
  } catch (e) {
    process.stderr.write(`tsmod worker ${process.pid}: ${(e as Error).message}\n`);
    process.exit(1);
  }
  const listening: WorkerMessage = { tsmod: "listening", urls: server.urls() };
  process.send!(listening);
}

/**
 * Exits after a round trip with the primary. It may have handed this worker a connection
 * just before it learnt that the worker stopped listening; that connection arrives before
 * the primary's answer and goes back to it for another worker. Exiting at once would leave
 * it open in the primary with nobody to answer it.
 */
function leaveCluster(): void {
  const worker = cluster.worker;
  if (!worker || !worker.isConnected()) process.exit(0);
  process.once("disconnect", () => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
  worker.disconnect();
}
