/**
 * A package loaded on first use instead of at start-up: every process pays its load time and
 * memory (a few MB each for the mime database, iron, Eta; ~50 MB for TypeScript), and many
 * sites never use it. `import type` keeps the types; this keeps the `require` out of start-up.
 */
export function lazyModule<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(id) as T);
}
