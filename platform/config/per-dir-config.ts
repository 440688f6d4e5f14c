import type { DirConfig } from "./model";

/**
 * A fact derived from a merged configuration, worked out at its first request and kept with
 * it: merged configurations never change, so later requests ask a WeakMap instead of deriving
 * it again. `derive` must not answer `undefined`.
 */
export function perDirConfig<T>(derive: (dir: DirConfig) => T): (dir: DirConfig) => T {
  const known = new WeakMap<DirConfig, T>();
  return (dir) => {
    let value = known.get(dir);
    if (value === undefined) {
      value = derive(dir);
      known.set(dir, value);
    }
    return value;
  };
}
