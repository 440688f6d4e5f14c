import { parseConfig, SectionMatcher, type ConfigCheck, type LoadOptions, type ParsedConfig } from "../config";
import { CoreMain, CoreServer } from "../core";
import { checkOptionKeys } from "./check-options";
import { ConfigtestCheck } from "./deep-check";
import type { CheckContext } from "./define-module";
import type { ModuleSet } from "./module-set";
import { Plan } from "./plan";

/** One (virtual) server of a loaded configuration: the core's reading and its plans by URL. */
export interface ServerPlans {
  readonly core: CoreServer;
  readonly plans: SectionMatcher<Plan>;
}

/** A configuration read with a set of modules, ready for a server to answer requests with. */
export interface SiteConfig {
  readonly parsed: ParsedConfig;
  readonly modules: ModuleSet;
  readonly main: CoreMain;
  readonly mainServer: ServerPlans;
  readonly virtualServers: readonly ServerPlans[];
}

export interface SiteLoadOptions extends LoadOptions {
  /** `tsmod configtest`: also compile and evaluate handler modules and look at folders. */
  readonly deep?: boolean;
}

/**
 * Reads `configFile` with `modules` (plus those its LoadModule lines add) and runs every module's
 * load-time checks. Throws `ConfigErrors` with each problem at its `FILE:LINE`.
 */
export function loadSiteConfig(configFile: string, modules: ModuleSet, options: SiteLoadOptions = {}): SiteConfig {
  const set = modules.copy();
  let site: SiteConfig | undefined;
  const build: ConfigCheck = (parsed, report, clean) => {
    const main = new CoreMain(parsed);
    if (clean && main.listen.length === 0) report(parsed.configFile, 1, "no Listen directive: tsmod needs at least one address to listen on");
    const servers = [parsed.main, ...parsed.vhosts].map((s) => new CoreServer(s, parsed.serverRoot));
    const builtins = new Set(["tsmod", "tsmod-server", ...set.builtinNames()]);
    const deep = options.deep ? new ConfigtestCheck(set.builtins(), report) : null;
    const ctx: CheckContext = { config: parsed, main, servers, builtins, report, deep, clean, providers: (kind) => set.providers(kind) };
    try {
      checkOptionKeys(ctx, set.list);
      for (const m of set.list) m.check?.(ctx);
    } finally {
      deep?.close();
    }
    const plansOf = (i: number): ServerPlans => {
      const server = [parsed.main, ...parsed.vhosts][i];
      const serverConfigs = new Map(set.list.flatMap((m) => (m.serverConfig ? [[m, m.serverConfig(server.values, servers[i])] as const] : [])));
      return { core: servers[i], plans: new SectionMatcher(server, (values) => new Plan(set, values, serverConfigs)) };
    };
    site = { parsed, modules: set, main, mainServer: plansOf(0), virtualServers: parsed.vhosts.map((_, i) => plansOf(i + 1)) };
  };
  parseConfig(configFile, set, options, [build]);
  return site!;
}
