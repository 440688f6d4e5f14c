import { deploy, fleetSettings, DEPLOY_DATABASE } from "../fleet";
import { loadSiteConfig, type ModuleSet } from "../module";

/** How long `tsmod deploy` waits for every live host to try the new generation. */
const DEPLOY_WAIT_MS = 120_000;

/**
 * `tsmod deploy -f FILE`: raises the configuration generation the hosts of
 * `TsOption tsmod.deploy.database` watch, waits until each live host has reloaded (one at a time,
 * in host-name order) or failed to, and prints one line per host. Exits 0 when every live host
 * serves the new generation.
 */
export async function deployCommand(file: string, defines: string[], modules: ModuleSet): Promise<void> {
  const config = loadSiteConfig(file, modules, { defines });
  const settings = fleetSettings(config.mainServer.core.options, config.mainServer.core.serverName);
  if (!settings) {
    process.stderr.write(`tsmod deploy: ${file} sets no TsOption ${DEPLOY_DATABASE} (the database the hosts share their generation in)\n`);
    process.exitCode = 2;
    return;
  }
  const { generation, hosts } = await deploy(settings, DEPLOY_WAIT_MS);
  process.stdout.write(`generation ${generation}\n`);
  for (const h of hosts) {
    const status = h.alive ? h.status : "gone";
    process.stdout.write(`${h.host}\t${status}\tgeneration ${h.generation}${h.message ? `\t${h.message}` : ""}\n`);
  }
  const live = hosts.filter((h) => h.alive);
  if (live.length === 0 || live.some((h) => h.generation !== generation)) process.exitCode = 1;
}
