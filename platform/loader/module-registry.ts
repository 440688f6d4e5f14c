import * as fs from "node:fs";
import Module, { createRequire } from "node:module";
import * as path from "node:path";
import { ErrorCode, TsmodError } from "../errors";
import { compileModule } from "./compile";
import { isBuiltinName, resolveModuleFile } from "./resolve-module";

/** A site module loaded by tsmod, with the edges the reloader needs. */
export interface LoadedModule {
  readonly filename: string;
  readonly exports: Record<string, unknown>;
  /** Site modules this one required (filenames). */
  readonly dependencies: Set<string>;
  /** Site modules that required this one. */
  readonly dependents: Set<string>;
  readonly mtimeMs: number;
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
  /** Modules addressed as `tsmod` or `tsmod/...`. */
  readonly builtins: ReadonlyMap<string, unknown>;
}

/**
 * One interpreter's module registry. Site modules (handlers and the files they import) are
 * compiled and evaluated here, never through Node's `require.cache`: nothing outside this map
 * keeps a reference to them (Node's `module.children` is never touched), so dropping an entry
 * frees the old code, and two registries hold separate instances of the same file.
 * Packages in `node_modules` and Node built-ins go through Node's own `require`.
 */
export class ModuleRegistry {
  private readonly modules = new Map<string, LoadedModule>();

  constructor(
    readonly name: string,
    private readonly options: RegistryOptions,
  ) {
    // Node maps stack frames of code compiled with an inline source map back to the source.
    process.setSourceMapsEnabled(true);
  }

  /** The exports of a site module, loading it on first use. */
  load(filename: string): Record<string, unknown> {
    return (this.modules.get(filename) ?? this.evaluate(filename)).exports;
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
   * Drops a module and, transitively, every module that imported it, so the next use loads
   * fresh code. Returns the dropped entries (the reloader hands them to `__reload__`).
   */
  invalidate(filename: string): LoadedModule[] {
    const dropped: LoadedModule[] = [];
    const visit = (f: string) => {
      const m = this.modules.get(f);
      if (!m) return;
      this.modules.delete(f);
      dropped.push(m);
      for (const dep of m.dependencies) this.modules.get(dep)?.dependents.delete(f);
      for (const parent of m.dependents) visit(parent);
    };
    visit(filename);
    return dropped;
  }

  private evaluate(filename: string): LoadedModule {
    let source: string;
    let mtimeMs: number;
    try {
      source = fs.readFileSync(filename, "utf8");
      mtimeMs = fs.statSync(filename).mtimeMs;
    } catch (e) {
      throw new TsmodError(ErrorCode.MODULE_NOT_FOUND, `cannot read module ${filename}: ${(e as Error).message}`);
    }
    const js = compileModule(filename, source);
    const mod = new Module(filename) as unknown as NodeModuleInternals;
    mod.filename = filename;
    mod.paths = (Module as unknown as ModuleStatics)._nodeModulePaths(path.dirname(filename));
    const entry: LoadedModule = { filename, exports: mod.exports, dependencies: new Set(), dependents: new Set(), mtimeMs };
    const nativeRequire = createRequire(filename);
    mod.require = (id: string) => this.requireFrom(entry, id, nativeRequire);
    // Registered before evaluation so that import cycles see the partial exports, as in CJS.
    this.modules.set(filename, entry);
    try {
      mod._compile(js, filename);
    } catch (e) {
      this.invalidate(filename);
      throw e;
    }
    mod.loaded = true;
    const final: LoadedModule = { ...entry, exports: mod.exports };
    if (this.modules.get(filename) === entry) this.modules.set(filename, final);
    for (const dep of final.dependencies) this.modules.get(dep)?.dependents.add(filename);
    return final;
  }

  private requireFrom(parent: LoadedModule, id: string, nativeRequire: NodeRequire): unknown {
    if (isBuiltinName(id)) return this.builtin(id);
    if (id.startsWith("./") || id.startsWith("../") || path.isAbsolute(id)) {
      const file = resolveModuleFile(path.resolve(path.dirname(parent.filename), id));
      if (file && !file.split(path.sep).includes("node_modules")) {
        parent.dependencies.add(file);
        const child = this.modules.get(file);
        if (child) {
          child.dependents.add(parent.filename);
          return child.exports;
        }
        const loaded = this.evaluate(file);
        loaded.dependents.add(parent.filename);
        return loaded.exports;
      }
    }
    return nativeRequire(id);
  }
}
