import { TsmodServer, type ServerOptions } from "../server";
import { isMessage, type PrimaryMessage, type WorkerMessage } from "./messages";

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
  const stop = () => {
    if (!server) process.exit(0);
    void server.close().then(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("message", (m: unknown) => {
    if (isMessage<PrimaryMessage>(m, "stop")) stop();
  });
  try {
    server = await TsmodServer.start(configFile, options);
  } catch (e) {
    process.stderr.write(`tsmod worker ${process.pid}: ${(e as Error).message}\n`);
    process.exit(1);
  }
  const listening: WorkerMessage = { tsmod: "listening", urls: server.urls() };
  process.send!(listening);
}
