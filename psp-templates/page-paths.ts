import * as path from "node:path";

/**
 * Resolves a page reference the way includes, error pages and `psp.include` do: a leading `/`
 * starts at `root`, anything else at `dir` (the referring page's folder). Returns `undefined`
 * when the result leaves `root`, so a template can never pull in files outside its site.
 */
export function resolvePagePath(root: string, dir: string, ref: string): string | undefined {
  const target = ref.startsWith("/") ? path.join(root, ref) : path.resolve(dir, ref);
  const rel = path.relative(root, target);
  if (rel === ".." || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return undefined;
  return target;
}
