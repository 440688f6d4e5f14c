import { ConfigErrors } from "../../platform/errors";
import { createModuleSet } from "../../index";
import type { CoreServer } from "../../platform/core";
import { filtersModule, proxyModule, tsHandlersModule } from "../../platform";
import { loadSiteConfig, Plan, type ServerPlans, type SiteConfig } from "../../platform/module";
/** Runs a configuration load and returns its errors as `conf:LINE: message` (none: []). */
export function configErrors(load: () => unknown): string[] {
  try {
    load();
  } catch (e) {
    if (e instanceof ConfigErrors) return e.errors.map((x) => x.message.replace(/^.*tsmod\.conf:/, "conf:"));
    throw e;
  }
  return [];
}


/** What a test reads of one plan: the core's settings and a few modules' configs by their old names. */
export interface DirView {
  readonly plan: Plan;
  readonly options: ReadonlyMap<string, string>;
  readonly settings: ReadonlyMap<string, string>;
  readonly handlers: ReadonlyMap<string, readonly { module: string; func: string | null }[]>;
  readonly proxyPass: ReadonlyMap<string, { target: URL | null }>;
  readonly outputFilters: ReadonlyMap<string, unknown>;
  readonly inputFilters: ReadonlyMap<string, unknown>;
  readonly setOutputFilter: readonly string[] | undefined;
  readonly setInputFilter: readonly string[] | undefined;
  readonly addOutputFilters: ReadonlyMap<string, readonly string[]> | undefined;
  readonly addInputFilters: ReadonlyMap<string, readonly string[]> | undefined;
}

const views = new WeakMap<Plan, DirView>();

export function dirView(plan: Plan): DirView {
  let view = views.get(plan);
  if (!view) {
    const filters = plan.config(filtersModule);
    view = {
      plan,
      options: plan.core.options,
      settings: plan.core.settings,
      handlers: plan.config(tsHandlersModule).lists,
      proxyPass: new Map(plan.config(proxyModule).rules.map((r) => [r.prefix, r])),
      outputFilters: filters.output.registry,
      inputFilters: filters.input.registry,
      setOutputFilter: filters.output.set,
      setInputFilter: filters.input.set,
      addOutputFilters: filters.output.byExtension,
      addInputFilters: filters.input.byExtension,
    };
    views.set(plan, view);
  }
  return view;
}

export type ServerView = CoreServer & {
  readonly dir: DirView;
  /** Each section's own settings (not merged with anything). */
  readonly sections: readonly { readonly config: DirView }[];
  readonly lookup: { forLocation(uri: string): DirView; forRequest(uri: string, filename: string | null, isDirectory: boolean): DirView };
};

export interface TestConfig {
  readonly site: SiteConfig;
  readonly files: readonly string[];
  readonly main: ServerView;
  readonly vhosts: readonly ServerView[];
}

function serverView(site: SiteConfig, s: ServerPlans, index: number): ServerView {
  const parsed = [site.parsed.main, ...site.parsed.vhosts][index];
  const view = Object.create(s.core) as ServerView;
  return Object.assign(view, {
    dir: dirView(s.plans.top),
    sections: parsed.sections.map((section) => ({ config: dirView(new Plan(site.modules, section.values)) })),
    lookup: {
      forLocation: (uri: string) => dirView(s.plans.forLocation(uri)),
      forRequest: (uri: string, filename: string | null, isDirectory: boolean) => dirView(s.plans.forRequest(uri, filename, isDirectory)),
    },
  });
}

/** Loads a configuration with the shipped modules, as `tsmod configtest` does. */
export function loadConfig(file: string, options: { defines?: string[] } = {}): TestConfig {
  const site = loadSiteConfig(file, createModuleSet(), { defines: options.defines });
  return {
    site,
    files: site.parsed.files,
    main: serverView(site, site.mainServer, 0),
    vhosts: site.virtualServers.map((v, i) => serverView(site, v, i + 1)),
  };
}
