import { ModuleRegistry, type RegistryOptions } from "./module-registry";

/**
 * Named module registries (mod_python's sub-interpreters): the same module name in two
 * interpreters gives two separate instances. Created on first use, kept for the server's life.
 */
export class Interpreters {
  private readonly registries = new Map<string, ModuleRegistry>();

  constructor(private readonly options: RegistryOptions) {}

  get(name: string): ModuleRegistry {
    let r = this.registries.get(name);
    if (!r) {
      r = new ModuleRegistry(name, this.options);
      this.registries.set(name, r);
    }
    return r;
  }

  all(): IterableIterator<ModuleRegistry> {
    return this.registries.values();
  }

  /** Unloads every registry's modules and ends their file watches. */
  close(): void {
    for (const r of this.registries.values()) r.close();
    this.registries.clear();
  }
}
