import type { ConfigValues } from "../config";
import { CoreDir, type PlanView } from "../core";
import type { Request } from "../request";
import { HOOK_PHASES, type Hook, type HookPhase, type TsmodModule } from "./define-module";
import type { ModuleSet } from "./module-set";

/** A hook with the config it runs with in this plan. */
export interface BoundHook {
  readonly module: string;
  readonly run: Hook<unknown>;
  readonly config: unknown;
}

export interface BoundBeforeHeaders {
  readonly run: (req: Request, config: unknown) => void;
  readonly config: unknown;
}

/**
 * Everything a request under one combination of sections needs, resolved once: the merged
 * directive values, the core's settings, each module's config, and per phase the hooks that
 * have work here. Apache's per-directory config vector plus the hook lists, with a name.
 */
export class Plan implements PlanView {
  readonly core: CoreDir;
  private readonly configs = new Map<TsmodModule<any>, unknown>();
  private readonly byName = new Map<string, unknown>();
  private readonly hookLists: Record<HookPhase, readonly BoundHook[]>;
  private readonly allHookLists: Record<HookPhase, readonly BoundHook[]>;
  readonly beforeHeaders: readonly BoundBeforeHeaders[];

  constructor(
    readonly modules: ModuleSet,
    readonly values: ConfigValues,
    /** The server's per-server configs of the modules that have them (shared by its plans). */
    private readonly serverConfigs: ReadonlyMap<TsmodModule<any>, unknown> = new Map(),
  ) {
    this.core = new CoreDir(values);
    for (const m of modules.list) {
      const config = m.dirConfig ? m.dirConfig(values, this.core) : directiveValues(m, values);
      this.configs.set(m, config);
      this.byName.set(m.name.toLowerCase(), config);
    }
    const lists = {} as Record<HookPhase, BoundHook[]>;
    const all = {} as Record<HookPhase, BoundHook[]>;
    for (const phase of Object.keys(HOOK_PHASES) as HookPhase[]) {
      all[phase] = [];
      lists[phase] = [];
      for (const { module, spec } of modules.hooks(phase)) {
        const config = this.configs.get(module);
        const bound = { module: module.name, run: spec.run as Hook<unknown>, config };
        all[phase].push(bound);
        if (!spec.when || spec.when(config)) lists[phase].push(bound);
      }
    }
    this.hookLists = lists;
    this.allHookLists = all;
    this.beforeHeaders = modules.list.flatMap((m) => (m.beforeHeaders ? [{ run: m.beforeHeaders as BoundBeforeHeaders["run"], config: this.configs.get(m) }] : []));
  }

  /** A module's config in this plan. */
  config<D>(module: TsmodModule<D>): D {
    return this.configs.get(module) as D;
  }

  /** A module's per-server config for the server this plan belongs to. */
  serverConfig<S>(module: TsmodModule<any>): S {
    return this.serverConfigs.get(module) as S;
  }

  moduleConfig(name: string): unknown {
    return this.byName.get(name.toLowerCase());
  }

  /** The hooks of a phase that have work under this plan. */
  hooks(phase: HookPhase): readonly BoundHook[] {
    return this.hookLists[phase];
  }

  /** Every hook of a phase, for a request whose handlers added work at run time (`req.addHandler`). */
  allHooks(phase: HookPhase): readonly BoundHook[] {
    return this.allHookLists[phase];
  }
}

/** The default config: the module's directive values by directive name. */
function directiveValues(m: TsmodModule<any>, values: ConfigValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const d of m.directives ?? []) {
    const v = values.get(d);
    if (v !== undefined) out[d.name] = v;
  }
  return Object.freeze(out);
}
