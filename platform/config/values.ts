import type { DirectiveSpec } from "./directive";

/**
 * The directive values of one place (a section, a server's top level) or of several merged:
 * Apache's per-directory config vector, keyed by directive instead of by module. Never changed
 * after the configuration is loaded.
 */
export class ConfigValues {
  constructor(private readonly values: ReadonlyMap<DirectiveSpec<any>, unknown> = new Map()) {}

  get<T>(spec: DirectiveSpec<T>): T | undefined {
    return this.values.get(spec.shares ?? spec) as T | undefined;
  }

  has(spec: DirectiveSpec<any>): boolean {
    return this.values.has(spec.shares ?? spec);
  }

  /** The directives this place sets, with their values. */
  entries(): IterableIterator<[DirectiveSpec<any>, unknown]> {
    return this.values.entries();
  }

  /** `inner` over this place, each directive by its merge rule. */
  mergedWith(inner: ConfigValues): ConfigValues {
    if (inner.values.size === 0) return this;
    if (this.values.size === 0) return inner;
    const out = new Map(this.values);
    for (const [spec, value] of inner.values) {
      const outer = out.get(spec);
      out.set(spec, outer !== undefined && spec.merge ? spec.merge(outer, value) : value);
    }
    return new ConfigValues(out);
  }
}

/** A place's values while its lines are read: each line adds by its directive's combine rule. */
export class ValuesBuilder {
  private readonly values = new Map<DirectiveSpec<any>, unknown>();

  add<T>(spec: DirectiveSpec<T>, value: T): void {
    const owner = spec.shares ?? spec;
    const earlier = this.values.get(owner) as T | undefined;
    this.values.set(owner, earlier !== undefined && owner.combine ? owner.combine(earlier, value) : value);
  }

  build(): ConfigValues {
    return new ConfigValues(this.values);
  }
}
