import * as fs from "node:fs";
import Module, { createRequire } from "node:module";
import * as path from "node:path";
import { APLOG_DEBUG, APLOG_ERR, APLOG_INFO } from "../constants";
import { ErrorCode, TsmodError } from "../errors";
import { isThenable } from "../maybe-promise";
import { missingPackageError } from "./actionable-errors";
import { compileModule } from "./compile";
import { type FileStamp, sameStamp, stampOf } from "./file-stamp";
import type { FileWatcher } from "./file-watch";
import { handOver, unloadModule } from "./reload-hooks";
import { isBuiltinName, resolveImport } from "./resolve-module";

/** A site module loaded by tsmod, with the edges the reloader needs. */
export interface LoadedModule {
  readonly filename: string;
  readonly exports: Record<string, unknown>;
  /** Site modules this one required (filenames). */
  readonly dependencies: ReadonlySet<string>;
  /** Site modules that required this one. */
  readonly dependents: ReadonlySet<string>;
  /** The file as it was when it was read. */
  readonly stamp: FileStamp;
}

interface Entry extends LoadedModule {
  exports: Record<string, unknown>;
  readonly dependencies: Set<string>;
  readonly dependents: Set<string>;
  /** When the file was last compared with `stamp` (the once-a-second fallback check). */
  checkedAt: number;
  /** Stops the file watch; null while the module is not watched (loaded with TsAutoReload Off). */
  unwatch: (() => void) | null;
}

/** A `TsImport` of a module: what to run on each new instance of it, and where failures go. */
interface Resident {
  readonly options: LoadOptions;
  readonly onLoad: (exports: Record<string, unknown>) => unknown;
  readonly onError: (err: unknown) => void;
}

/** A dropped module's exports, kept until its successor loads and can take over its state. */
interface Retired {
  readonly exports: Record<string, unknown>;
  /** The changed file that caused the drop (the module itself, or a module it imports). */
  readonly reason: string;
}

interface NodeModuleInternals {
  paths: string[];
  filename: string;
  loaded: boolean;
  exports: Record<string, unknown>;
  require: (id: string) => unknown;
  _compile(content: string, filename: string): void;
}

type ModuleStatics = { _nodeModulePaths(dir: string): string[] };

export interface RegistryOptions {
  /** Modules addressed as `tsmod` or `tsmod/...`, and imports of any other name they hold (`tsmod-server`). */
  readonly builtins: { has(name: string): boolean; get(name: string): unknown };
  /** Watches the files of modules loaded with `autoReload`; without one, only mtime checks find changes. */
  readonly watcher?: FileWatcher;
  /** Where reloads (info) and failing `__reload__`/`__unload__` hooks (error) are reported. */
  readonly log?: (message: string, level: number) => void;
  /** Least time between two looks at one module's file on use (default 1000 ms). */
  readonly checkIntervalMs?: number;
  /** The clock of those checks (tests). */
  readonly now?: () => number;
}

export interface LoadOptions {
  /**
   * `TsAutoReload`: watch the module and the site modules it imports, and compare them with
   * their files at most once per check interval when used. Default true, as the directive.
   */
  readonly autoReload?: boolean;
}

/** `TsAutoReload` as a section's settings have it (On unless set Off). */
export function autoReloadOn(settings: ReadonlyMap<string, string>): boolean {
  return settings.get("TsAutoReload") !== "0";
}

const DEFAULT_CHECK_INTERVAL_MS = 1000;

/**
 * One interpreter's module registry. Site modules (handlers and the files they import) are
 * compiled and evaluated here, never through Node's `require.cache`: nothing outside this map
 * keeps a reference to them (Node's `module.children` is never touched), so dropping an entry
 * frees the old code, and two registries hold separate instances of the same file.
 * Packages in `node_modules` and Node built-ins go through Node's own `require` and are never
 * reloaded.
 *
 * Reloading: a changed file (seen by the watcher, or by the mtime check on use) drops its
 * module and every module importing it; the next use compiles the new code. Old exports stay
 * only in `retired`, one per file, until the successor has loaded and run `__reload__`.
 */
export class ModuleRegistry {
  private readonly modules = new Map<string, Entry>();
  private readonly retired = new Map<string, Retired>();
  private readonly residents = new Map<string, Resident[]>();
  /** Residents whose reload is scheduled, and the watches that retry a reload that failed. */
  private readonly reloading = new Set<string>();
  private readonly retries = new Map<string, () => void>();
  /** The files a resident's reload is evaluating, so that a failure can watch them all. */
  private attempt: Set<string> | null = null;
  private closed = false;
  private readonly checkIntervalMs: number;
  private readonly now: () => number;

  constructor(
    readonly name: string,
    private readonly options: RegistryOptions,
  ) {
    this.checkIntervalMs = options.checkIntervalMs ?? DEFAULT_CHECK_INTERVAL_MS;
    this.now = options.now ?? Date.now;
    // Node maps stack frames of code compiled with an inline source map back to the source.
    process.setSourceMapsEnabled(true);
  }

  /** The exports of a site module, loading it on first use and reloading it when it changed. */
  load(filename: string, options: LoadOptions = {}): Record<string, unknown> {
    const autoReload = options.autoReload ?? true;
    let entry = this.modules.get(filename);
    if (entry && autoReload && this.now() - entry.checkedAt >= this.checkIntervalMs) {
      this.refresh(entry);
      entry = this.modules.get(filename);
    }
    return (entry ?? this.evaluate(filename, autoReload)).exports;
  }

  /**
   * `TsImport`: loads a module now and awaits `onLoad(exports)`. From then on the module is
   * kept loaded: when a change drops it (its file or a module it imports), it is loaded again
   * at once, and `onLoad` runs on every new instance, whoever loads it. Failures after this
   * first load, of the module or of `onLoad`, go to `onError`; a reload that failed is tried
   * again when the module's file changes (or on its next use).
   */
  async preload(filename: string, options: LoadOptions, onLoad: Resident["onLoad"], onError: Resident["onError"]): Promise<void> {
    const exports = this.load(filename, options);
    const list = this.residents.get(filename) ?? [];
    list.push({ options, onLoad, onError });
    this.residents.set(filename, list);
    await onLoad(exports);
  }

  /** A module shipped with tsmod (`tsmod`, `tsmod/publisher`, ...). */
  builtin(name: string): unknown {
    if (!this.options.builtins.has(name)) throw new TsmodError(ErrorCode.MODULE_NOT_FOUND, `no built-in module '${name}'`);
    return this.options.builtins.get(name);
  }

  get(filename: string): LoadedModule | undefined {
    return this.modules.get(filename);
  }

  loaded(): IterableIterator<LoadedModule> {
    return this.modules.values();
  }

  /**
   * Calls `onChange` when `file` may have changed (templates, their includes, any file a
   * subsystem derives something from). Events are hints: compare with what you read. Returns
   * the function that stops watching; all watches end when the server closes. Without a
   * watcher (a bare registry) nothing is ever reported.
   */
  watchFile(file: string, onChange: (file: string) => void): () => void {
    return this.options.watcher?.watch(file, onChange) ?? (() => undefined);
  }

  /**
   * Drops a module and, transitively, every module that imported it, so the next use loads
   * fresh code; `reason` (the changed file) is logged when they reload. Returns the dropped
   * modules.
   */
  invalidate(filename: string, reason = filename): LoadedModule[] {
    const dropped = this.drop(filename, reason, true);
    for (const m of dropped) if (this.residents.has(m.filename)) this.reloadSoon(m.filename);
    return dropped;
  }

  /** Server close: every module's `__unload__()` runs (timers, connections), watches end. */
  close(): void {
    this.closed = true;
    for (const stop of this.retries.values()) stop();
    this.retries.clear();
    this.residents.clear();
    for (const entry of this.modules.values()) {
      entry.unwatch?.();
      unloadModule(entry.exports, (hook, e) => this.hookFailed(entry.filename, hook, e));
    }
    for (const [file, old] of this.retired) unloadModule(old.exports, (hook, e) => this.hookFailed(file, hook, e));
    this.modules.clear();
    this.retired.clear();
  }

  /**
   * The fallback for missed watch events: compares the module and its imports with their
   * files (each at most once per check interval) and drops what changed. Also starts watching
   * modules first loaded where TsAutoReload was Off.
   */
  private refresh(root: Entry): void {
    const now = this.now();
    const changed: string[] = [];
    const seen = new Set<string>();
    const visit = (entry: Entry) => {
      if (seen.has(entry.filename)) return;
      seen.add(entry.filename);
      if (!entry.unwatch) this.watch(entry);
      if (now - entry.checkedAt >= this.checkIntervalMs) {
        entry.checkedAt = now;
        if (!sameStamp(entry.stamp, stampOf(entry.filename))) changed.push(entry.filename);
      }
      for (const dep of entry.dependencies) {
        const child = this.modules.get(dep);
        if (child) visit(child);
      }
    };
    visit(root);
    for (const file of changed) this.invalidate(file);
  }

  private watch(entry: Entry): void {
    const watcher = this.options.watcher;
    if (!watcher) return;
    entry.unwatch = watcher.watch(entry.filename, () => {
      // Watch events repeat and sometimes name files that did not change: trust the stamp.
      if (this.modules.get(entry.filename) === entry && !sameStamp(entry.stamp, stampOf(entry.filename))) {
        this.invalidate(entry.filename);
      }
    });
  }

  /** `retireRoot` false: the root failed to load, so it has no state worth handing over. */
  private drop(filename: string, reason: string, retireRoot: boolean): Entry[] {
    const dropped: Entry[] = [];
    const visit = (f: string) => {
      const m = this.modules.get(f);
      if (!m) return;
      this.modules.delete(f);
      m.unwatch?.();
      m.unwatch = null;
      dropped.push(m);
      // The oldest good version is the one to hand over: a broken edit in between has none.
      if ((retireRoot || f !== filename) && !this.retired.has(f)) this.retired.set(f, { exports: m.exports, reason });
      for (const dep of m.dependencies) this.modules.get(dep)?.dependents.delete(f);
      for (const parent of m.dependents) visit(parent);
    };
    visit(filename);
    if (retireRoot && dropped.length) {
      this.log(`interpreter ${this.name}: dropped ${dropped.map((m) => m.filename).join(", ")} (changed: ${reason})`, APLOG_DEBUG);
    }
    return dropped;
  }

  private evaluate(filename: string, watch: boolean): Entry {
    this.attempt?.add(filename);
    // The stamp is taken before the read: a save during the read then shows up as a change.
    const stamp = stampOf(filename);
    let source: string;
    try {
      if (!stamp) throw new Error("no such file");
      source = fs.readFileSync(filename, "utf8");
    } catch (e) {
      throw new TsmodError(ErrorCode.MODULE_NOT_FOUND, `cannot read module ${filename}: ${(e as Error).message}`);
    }
    const entry: Entry = {
      filename,
      exports: {},
      dependencies: new Set(),
      dependents: new Set(),
      stamp,
      checkedAt: this.now(),
      unwatch: null,
    };
    // Registered before evaluation so that import cycles see the partial exports, as in CJS.
    this.modules.set(filename, entry);
    try {
      entry.exports = path.extname(filename) === ".json" ? parseJson(filename, source) : this.run(entry, source, watch);
    } catch (e) {
      this.drop(filename, filename, false);
      throw e;
    }
    if (watch) this.watch(entry);
    const previous = this.retired.get(filename);
    if (previous) {
      this.retired.delete(filename);
      this.log(`interpreter ${this.name}: reloaded module ${filename} (changed: ${previous.reason})`, APLOG_INFO);
      handOver(entry.exports, previous.exports, (hook, e) => this.hookFailed(filename, hook, e));
    }
    const residents = this.residents.get(filename);
    if (residents) {
      this.retries.get(filename)?.();
      this.retries.delete(filename);
      for (const r of residents) runResident(r, entry.exports);
    }
    return entry;
  }

  /** Compiles and evaluates a module's code; its exports as they are once it has run. */
  private run(entry: Entry, source: string, watch: boolean): Record<string, unknown> {
    const { filename } = entry;
    const js = compileModule(filename, source);
    const mod = new Module(filename) as unknown as NodeModuleInternals;
    mod.filename = filename;
    mod.paths = (Module as unknown as ModuleStatics)._nodeModulePaths(path.dirname(filename));
    entry.exports = mod.exports;
    const nativeRequire = createRequire(filename);
    mod.require = (id: string) => this.requireFrom(entry, id, nativeRequire, watch);
    mod._compile(js, filename);
    mod.loaded = true;
    return mod.exports;
  }

  private requireFrom(parent: Entry, id: string, nativeRequire: NodeRequire, watch: boolean): unknown {
    if (isBuiltinName(id) || this.options.builtins.has(id)) return this.builtin(id);
    if (id.startsWith("./") || id.startsWith("../") || path.isAbsolute(id)) {
      const file = resolveImport(parent.filename, id);
      if (file && !file.split(path.sep).includes("node_modules")) {
        parent.dependencies.add(file);
        const child = this.modules.get(file) ?? this.evaluate(file, watch);
        child.dependents.add(parent.filename);
        return child.exports;
      }
    }
    try {
      return nativeRequire(id);
    } catch (e) {
      throw missingPackageError(e, id, parent.filename);
    }
  }

  /**
   * Loads a dropped `TsImport` module again once the current event is over (a save that
   * touches several files drops them one by one; the reload sees them all).
   */
  private reloadSoon(filename: string): void {
    if (this.reloading.has(filename)) return;
    this.reloading.add(filename);
    setImmediate(() => {
      this.reloading.delete(filename);
      const residents = this.residents.get(filename);
      if (this.closed || !residents || this.modules.has(filename)) return;
      const attempt = (this.attempt = new Set());
      try {
        this.load(filename, residents[0].options);
      } catch (e) {
        for (const r of residents) r.onError(e);
        // The broken file may be the module or any import it reached: a save of either retries.
        const stops = [...attempt].map((file) => this.options.watcher?.watch(file, () => this.reloadSoon(filename)));
        this.retries.set(filename, () => stops.forEach((stop) => stop?.()));
      } finally {
        this.attempt = null;
      }
    });
  }

  private hookFailed(filename: string, hook: string, err: unknown): void {
    const text = (err as Error | null)?.stack ?? String(err);
    this.log(`interpreter ${this.name}: ${hook} of ${filename} failed: ${text}`, APLOG_ERR);
  }

  private log(message: string, level: number): void {
    this.options.log?.(message, level);
  }
}

/** What a resident's `onLoad` throws or rejects with is its `onError`'s: the module serves either way. */
function runResident(resident: Resident, exports: Record<string, unknown>): void {
  try {
    const result = resident.onLoad(exports);
    if (isThenable(result)) result.then(undefined, resident.onError);
  } catch (e) {
    resident.onError(e);
  }
}

/** A `.json` import: its data, as Node's `require` gives it. */
function parseJson(filename: string, source: string): Record<string, unknown> {
  try {
    // Editors may save JSON with a byte-order mark; Node's require strips it too.
    return JSON.parse(source.replace(/^\uFEFF/, "")) as Record<string, unknown>;
  } catch (e) {
    throw new TsmodError(ErrorCode.MODULE_COMPILE, `${filename}: ${(e as Error).message}`);
  }
}
