import * as http from "node:http";
import { APLOG_ERR, APLOG_INFO } from "../constants";
import { ModuleRegistry, compileModule } from "../loader";
import type { BuiltinTable } from "../module";
import { setAppEnv } from "./app-env";
import { appListener } from "./app-adapter";
import { DAEMON_ENV, DAEMON_HEADERS, type DaemonMessage } from "./daemon-protocol";

function log(message: string, level = APLOG_INFO): void {
  process.stderr.write(`[daemon ${process.env[DAEMON_ENV.group]} pid ${process.pid}]${level <= APLOG_ERR ? " error:" : ""} ${message}\n`);
}

function send(message: DaemonMessage): void {
  process.send?.(message);
}

/**
 * A daemon group's process (`tsmod daemon-process`, forked by the server): serves the apps the
 * server hands it over a Unix socket, each request already through every phase in the server.
 * Apps load through a registry of its own (so they reload when changed, as in the server).
 */
export async function runDaemonProcess(builtins: BuiltinTable): Promise<void> {
  const socketPath = process.env[DAEMON_ENV.socket];
  if (!socketPath || !process.send) throw new Error("tsmod daemon-process is started by the server (TsDaemonProcess), not by hand");
  const memoryMb = Number(process.env[DAEMON_ENV.memoryMb] ?? 0);
  const registry = new ModuleRegistry(`daemon:${process.env[DAEMON_ENV.group]}`, { builtins, log });
  const server = http.createServer({ requestTimeout: 0, keepAliveTimeout: 60_000 }, (req, res) => {
    const h = req.headers;
    const file = String(h[DAEMON_HEADERS.file]);
    const exportName = h[DAEMON_HEADERS.exportName] ? String(h[DAEMON_HEADERS.exportName]) : null;
    setAppEnv(req, { user: h[DAEMON_HEADERS.user] ? String(h[DAEMON_HEADERS.user]) : null, mountPath: String(h[DAEMON_HEADERS.mount] ?? ""), tsmod: null });
    (req as http.IncomingMessage & { originalUrl?: string }).originalUrl = String(h[DAEMON_HEADERS.originalUrl] ?? req.url);
    if (memoryMb > 0) res.once("finish", () => checkMemory(memoryMb));
    let exports: Record<string, unknown>;
    try {
      exports = registry.load(file, { autoReload: h[DAEMON_HEADERS.autoReload] !== "0" });
    } catch (e) {
      failed(res, e);
      return;
    }
    appListener(exports, exportName, file, (_req, e) => log(`app error: ${(e as Error)?.stack ?? e}`, APLOG_ERR)).then(
      (app) => app.listener(req, res),
      (e: unknown) => failed(res, e),
    );
  });
  // The process goes when the server tells it (SIGTERM: finish the requests in hand) or dies.
  process.once("SIGTERM", () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
  });
  process.once("disconnect", () => process.exit(0));
  // The compiler thread takes seconds to start: paid before the process counts as ready, so a
  // first request is not charged for it against its request timeout.
  compileModule("warm-up.ts", "export {};");
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  send({ type: "ready" });
}

function failed(res: http.ServerResponse, e: unknown): void {
  log(`cannot serve: ${(e as Error)?.stack ?? e}`, APLOG_ERR);
  if (!res.headersSent) {
    res.statusCode = 500;
    res.end();
  } else res.destroy();
}

/** A process past its memory limit asks to be replaced once its requests are done. */
function checkMemory(limitMb: number): void {
  const rssMb = process.memoryUsage.rss() / (1024 * 1024);
  if (rssMb > limitMb) send({ type: "over-memory", rssMb: Math.round(rssMb) });
}
