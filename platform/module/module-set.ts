import type { DirectiveSpec, DirectiveTable } from "../config";
import { closest } from "../config";
import type { RequestServices } from "../request";
import { HOOK_MIDDLE, type BuiltinTable, type Hook, type HookPhase, type HookSpec, type ModuleContext, type TsmodModule } from "./define-module";
import { coreModule } from "./core-module";
import { loadModuleFrom } from "./load-module";

interface RegisteredHook {
  readonly module: TsmodModule<any>;
  readonly spec: HookSpec<any>;
  readonly index: number;
}

export interface ContentHandler {
  readonly module: TsmodModule<any>;
  readonly run: Hook<any>;
}

/**
 * The modules of one loaded configuration: the built-in ones, then those `LoadModule` adds as
 * the file is read. It is the language's directive table, and the phase loop's source of hooks,
 * content handlers, request services and providers.
 */
export class ModuleSet implements DirectiveTable {
  readonly list: TsmodModule<any>[] = [];
  private readonly directives = new Map<string, { spec: DirectiveSpec<any>; module: TsmodModule<any> }>();
  private readonly handlers = new Map<string, ContentHandler>();
  private readonly hookLists = new Map<HookPhase, RegisteredHook[]>();
  private readonly builtinThunks = new Map<string, () => unknown>();
  private readonly serviceOwners = new Map<string, string>();
  private readonly providedBy = new Map<string, Map<string, unknown>>();
  readonly services: Partial<RequestServices> = {};
  private readonly states = new Map<TsmodModule<any>, unknown>();
  private started = false;

  /** The core module comes first, whether `modules` names it or not. */
  constructor(modules: Iterable<TsmodModule<any>>) {
    this.add(coreModule);
    for (const m of modules) if (m !== coreModule) this.add(m);
  }

  /** A copy to read one configuration with: its LoadModule lines add to the copy only. */
  copy(): ModuleSet {
    return new ModuleSet(this.list);
  }

  add(m: TsmodModule<any>): void {
    const clash = (what: string, other: string) => new Error(`module '${m.name}' ${what} that module '${other}' already has`);
    if (this.list.some((x) => x.name.toLowerCase() === m.name.toLowerCase())) throw new Error(`a module named '${m.name}' is already loaded`);
    for (const d of m.directives ?? []) {
      const known = this.directives.get(d.name.toLowerCase());
      if (known) throw clash(`declares directive ${d.name}`, known.module.name);
    }
    for (const name of Object.keys(m.handlers ?? {})) {
      const known = this.handlers.get(name.toLowerCase());
      if (known) throw clash(`declares handler '${name}'`, known.module.name);
    }
    for (const name of Object.keys(m.services ?? {})) {
      const owner = this.serviceOwners.get(name);
      if (owner) throw clash(`offers the request service '${name}'`, owner);
    }
    for (const [kind, named] of Object.entries(m.providers ?? {})) {
      for (const name of Object.keys(named)) {
        if (this.providedBy.get(kind)?.has(name)) throw new Error(`module '${m.name}' provides ${kind} '${name}', which another module already provides`);
      }
    }
    this.list.push(m);
    for (const d of m.directives ?? []) this.directives.set(d.name.toLowerCase(), { spec: d, module: m });
    for (const [name, run] of Object.entries(m.handlers ?? {})) this.handlers.set(name.toLowerCase(), { module: m, run });
    for (const [name, thunk] of Object.entries(m.builtins ?? {})) this.builtinThunks.set(name, thunk);
    for (const [name, fn] of Object.entries(m.services ?? {})) {
      this.serviceOwners.set(name, m.name);
      (this.services as Record<string, unknown>)[name] = fn;
    }
    for (const [kind, named] of Object.entries(m.providers ?? {})) {
      let table = this.providedBy.get(kind);
      if (!table) this.providedBy.set(kind, (table = new Map()));
      for (const [name, impl] of Object.entries(named)) table.set(name, impl);
    }
    const index = this.list.length - 1;
    for (const [phase, declared] of Object.entries(m.hooks ?? {}) as [HookPhase, unknown][]) {
      const specs = (Array.isArray(declared) ? declared : [declared]).map((h: Hook<unknown> | HookSpec<unknown>) => (typeof h === "function" ? { run: h } : h));
      let list = this.hookLists.get(phase);
      if (!list) this.hookLists.set(phase, (list = []));
      for (const spec of specs) list.push({ module: m, spec, index });
      // Stable: equal orders keep module order (Apache sorts hooks by order, then registration).
      list.sort((a, b) => (a.spec.order ?? HOOK_MIDDLE) - (b.spec.order ?? HOOK_MIDDLE) || a.index - b.index);
    }
  }

  // ---- the directive table the configuration language reads with ----

  find(name: string): DirectiveSpec<any> | undefined {
    return this.directives.get(name.toLowerCase())?.spec;
  }

  names(): Iterable<string> {
    return [...this.directives.values()].map((d) => d.spec.name);
  }

  /** The module a directive belongs to (for `tsmod explain` and server-info). */
  moduleOf(spec: DirectiveSpec<any>): TsmodModule<any> | undefined {
    return this.directives.get(spec.name.toLowerCase())?.module;
  }

  /** `<IfModule>` takes a module's name, or Apache's spellings of it: `mod_NAME.c`, `NAME_module`. */
  hasModule(name: string): boolean {
    const bare = name.toLowerCase().replace(/^mod_/, "").replace(/\.c$/, "").replace(/_module$/, "");
    return bare === "tsmod" || this.list.some((m) => m.name.toLowerCase() === bare);
  }

  loadModule(name: string, target: string, serverRoot: string): void {
    if (this.list.some((m) => m.name.toLowerCase() === name.toLowerCase())) throw new Error(`a module named '${name}' is already loaded`);
    this.add(loadModuleFrom(name, target, serverRoot, this.builtins()));
  }

  // ---- life cycle: one start and one stop per loaded configuration ----

  /** Starts every module in order; a failure stops those already started and is thrown. */
  async start(ctx: ModuleContext): Promise<void> {
    if (this.started) throw new Error("this module set has already been started");
    this.started = true;
    for (const m of this.list) {
      if (!m.start) continue;
      try {
        this.states.set(m, await m.start(ctx));
      } catch (e) {
        await this.stop();
        throw new Error(`module '${m.name}' failed to start: ${(e as Error).message}`, { cause: e });
      }
    }
  }

  /** Stops the started modules in reverse order; failures are collected, not thrown midway. */
  async stop(): Promise<Error[]> {
    const failures: Error[] = [];
    for (const m of [...this.list].reverse()) {
      if (!m.stop || !this.states.has(m)) continue;
      try {
        await m.stop(this.states.get(m));
      } catch (e) {
        failures.push(new Error(`module '${m.name}' failed to stop: ${(e as Error).message}`));
      }
      this.states.delete(m);
    }
    return failures;
  }

  /** What a module's `start` returned for this configuration. */
  stateOf<S>(m: TsmodModule<any>): S {
    return this.states.get(m) as S;
  }

  // ---- what the phase loop and the server read ----

  hooks(phase: HookPhase): readonly RegisteredHook[] {
    return this.hookLists.get(phase) ?? [];
  }

  /** The content handler `SetHandler NAME` names, or undefined. */
  handler(name: string): ContentHandler | undefined {
    return this.handlers.get(name.toLowerCase());
  }

  handlerNames(): string[] {
    return [...this.handlers.keys()];
  }

  /** Modules handler code reaches by name (`tsmod/publisher`), each loaded on first use. */
  builtins(): BuiltinTable {
    const thunks = this.builtinThunks;
    const loaded = new Map<string, unknown>();
    return {
      has: (name) => thunks.has(name),
      get(name) {
        if (!loaded.has(name)) loaded.set(name, thunks.get(name)?.());
        return loaded.get(name);
      },
    };
  }

  builtinNames(): Set<string> {
    return new Set(this.builtinThunks.keys());
  }

  /** The implementations of a provider kind (`sessionStore`, `auth`), by name. */
  providers<T>(kind: string): ReadonlyMap<string, T> {
    return (this.providedBy.get(kind) as Map<string, T> | undefined) ?? new Map();
  }

  /** A suggestion for a mistyped handler or provider name. */
  static suggest(name: string, known: Iterable<string>): string {
    const guess = closest(name, known);
    return guess ? ` (did you mean '${guess}'?)` : "";
  }
}
