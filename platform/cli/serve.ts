import cluster from "node:cluster";
import { ClusterPrimary, runWorker } from "../cluster";
import { GenerationWatch, fleetSettings } from "../fleet";
import { loadSiteConfig, type ModuleSet, type SiteConfig } from "../module";
import { IDLE_LINGER_MS, TsmodServer, type ServerOptions } from "../server";
import { writePidFile } from "./pid-file";
import { dropPrivileges } from "./privileges";
import { reportConfigErrors } from "./report-errors";

/**
 * `tsmod serve`: one process, or with `Workers N` (N > 1) a cluster primary and N workers.
 * Either way it prints `tsmod listening on URL` per Listen address once connections are
 * accepted; SIGHUP reloads gracefully, SIGTERM/SIGINT drain and exit 0 (a second one exits
 * at once, with 1).
 */
export async function serve(file: string, defines: string[], modules: ModuleSet): Promise<void> {
  const options: ServerOptions = { modules, defines, ownsProcess: true };
  if (cluster.isWorker) return runWorker(file, options);
  let config: SiteConfig;
  const load = () => loadSiteConfig(file, modules, { defines });
  try {
    config = load();
  } catch (e) {
    reportConfigErrors(e);
    process.exitCode = 1;
    return;
  }
  // Handlers go in before anything listens: a signal that comes before them would kill the process.
  const control = {
    stop: () => Promise.resolve(),
    reload: () => Promise.resolve(false),
    log: (message: string, _level: number): void => void process.stderr.write(`${message}\n`),
  };
  let stopping = false;
  let watch: GenerationWatch | undefined;
  const onStop = () => {
    if (stopping) {
      process.stderr.write("tsmod: stopping at once\n");
      process.exit(1);
    }
    stopping = true;
    void (watch?.close() ?? Promise.resolve()).then(() => control.stop()).then(() => process.exit(0));
  };
  process.on("SIGTERM", onStop);
  process.on("SIGINT", onStop);
  process.on("SIGHUP", () => void control.reload());
  let urls: string[];
  try {
    if (config.main.workers > 1) {
      const primary = new ClusterPrimary({ load }, config);
      control.stop = () => primary.stop();
      control.reload = () => primary.reload();
      control.log = (message, level) => primary.log(message, level);
      urls = await primary.start();
    } else {
      const server = await TsmodServer.start(file, options, config);
      control.stop = () => server.close(undefined, { idleLingerMs: IDLE_LINGER_MS });
      control.reload = () => server.reload();
      control.log = (message, level) => server.site.errorLog.log(message, level);
      urls = server.urls();
    }
    // After the first load: the watch records the generation this instance serves.
    const fleet = fleetSettings(config.mainServer.core.options, config.mainServer.core.serverName);
    if (fleet) watch = await GenerationWatch.start(fleet, () => control.reload(), (message, level) => control.log(message, level));
  } catch (e) {
    reportConfigErrors(e);
    process.exit(1);
  }
  // As Apache: the PID file is written, and root given up, once the addresses are bound.
  if (config.main.pidFile) writePidFile(config.main.pidFile);
  try {
    dropPrivileges(config.main);
  } catch (e) {
    process.stderr.write(`tsmod: User/Group: ${(e as Error).message}\n`);
    process.exit(1);
  }
  for (const url of urls) process.stdout.write(`tsmod listening on ${url}\n`);
}
