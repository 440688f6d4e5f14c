import { DECLINED, OK } from "../constants";
import { defineModule, moduleState, type CheckContext, type ModuleContext, type TsmodModule } from "../module";
import { DaemonGroup } from "./daemon-group";
import { TsDaemonProcess, TsProcessGroup, type DaemonSpec, type GroupChoice } from "./daemon-directives";
import { serveInGroup } from "./daemon-forward";
import { TsAppAlias, mountFor, type AppMount } from "./directives";
import { mountOf, serveInProcess, setMount } from "./serve-app";

/** The content handler of mounted apps (`SetHandler ts-app` needs no mount: it names none). */
export const APP_HANDLER = "ts-app";

export interface AppsConfig {
  readonly mounts: readonly AppMount[];
  /** `TsProcessGroup`: the daemon group this place's apps run in; null: the server's process. */
  readonly group: GroupChoice | null;
}

/** Every `TsDaemonProcess` of the configuration, by name (the main server's and the virtual hosts'). */
function daemonSpecs(ctx: { config: ModuleContext["config"] }): Map<string, DaemonSpec> {
  const specs = new Map<string, DaemonSpec>();
  for (const server of [ctx.config.main, ...ctx.config.vhosts]) for (const [name, spec] of server.ownValues.get(TsDaemonProcess) ?? []) specs.set(name, spec);
  return specs;
}

/** A `TsProcessGroup` must name a `TsDaemonProcess`. */
function checkGroups(ctx: CheckContext): void {
  const specs = daemonSpecs(ctx);
  for (const server of [ctx.config.main, ...ctx.config.vhosts]) {
    const places = [server.ownValues, ...server.sections.map((s) => s.values)];
    for (const values of places) {
      const choice = values.get(TsProcessGroup);
      if (choice && !specs.has(choice.name)) ctx.report(choice.file, choice.line, `TsProcessGroup: no TsDaemonProcess '${choice.name}' (known: ${[...specs.keys()].join(", ") || "none"})`);
    }
  }
}

/**
 * mod_wsgi's half of tsmod: `TsAppAlias` mounts a standard Node app (a request listener, a
 * fetch app, Fastify, Koa) on a URL space. Translation maps the URL to the app (the URL names
 * no file: the directory walk is skipped, `<Location>` sections apply); every later phase runs
 * as for any request, and the app is the content step.
 */
export const appsModule: TsmodModule<AppsConfig> = defineModule<AppsConfig>({
  name: "apps",
  directives: [TsAppAlias, TsDaemonProcess, TsProcessGroup],
  dirConfig: (values) => ({ mounts: values.get(TsAppAlias) ?? [], group: values.get(TsProcessGroup) ?? null }),
  // The groups live as long as the configuration: a reload starts new ones while requests on
  // the old configuration finish in the old ones, which then retire gracefully.
  start: (ctx) => new Map([...daemonSpecs(ctx)].map(([name, spec]) => [name, new DaemonGroup(spec, ctx.errorLog)])),
  stop: (groups: Map<string, DaemonGroup>) => Promise.all([...groups.values()].map((g) => g.close())).then(() => undefined),
  check: checkGroups,
  hooks: {
    translate: {
      when: (c) => c.mounts.length > 0,
      run(req, config) {
        const mount = mountFor(config.mounts, req.uri);
        if (mount === null) return DECLINED;
        setMount(req, mount);
        req.filename = mount.file;
        req.pathInfo = req.uri.slice(mount.prefix.length);
        req.handler = APP_HANDLER;
        return OK;
      },
    },
    mapToStorage: {
      when: (c) => c.mounts.length > 0,
      run: (req) => (mountOf(req) !== null ? OK : DECLINED),
    },
  },
  handlers: {
    [APP_HANDLER](req, config) {
      const mount = mountOf(req);
      if (mount === null) return DECLINED;
      if (config.group === null) return serveInProcess(req, mount);
      return serveInGroup(req, mount, moduleState<Map<string, DaemonGroup>>(req, appsModule).get(config.group.name)!);
    },
  },
});
