import { appendList, directive } from "../config";

/** One `TsAppAlias URL-PATH FILE[::export]` line. */
export interface AppMount {
  /** The URL path the app is mounted at, without a trailing slash ("" for the root): SCRIPT_NAME. */
  readonly prefix: string;
  readonly file: string;
  /** The export to serve; null: the default export, else `app`. */
  readonly exportName: string | null;
  readonly where: string;
}

/**
 * `TsAppAlias URL-PATH FILE[::export]`, mod_wsgi's `WSGIScriptAlias`: the URL space below
 * URL-PATH is served by a standard Node application. Longest prefix first, so
 * `TsAppAlias /app/admin` beats `TsAppAlias /app` written in any order.
 */
export const TsAppAlias = directive<AppMount[]>({
  name: "TsAppAlias",
  context: "server",
  args: 2,
  parse([urlPath, target], where) {
    if (!urlPath.startsWith("/")) throw new Error(`the URL path '${urlPath}' must start with '/'`);
    const sep = target.lastIndexOf("::");
    const file = sep >= 0 ? target.slice(0, sep) : target;
    const exportName = sep >= 0 ? target.slice(sep + 2) : null;
    if (!file) throw new Error("needs the application's file");
    if (exportName !== null && !/^[A-Za-z_$][\w$]*$/.test(exportName)) throw new Error(`'${exportName}' is not an export name`);
    return [{ prefix: urlPath.replace(/\/+$/, ""), file: where.resolvePath(file), exportName, where: `${where.file}:${where.line}` }];
  },
  combine: appendList,
  // A virtual host's own mounts are tried before the main server's.
  merge: (outer, inner) => [...inner, ...outer],
});

/** The mount serving `uri`, the longest matching prefix at a segment boundary. */
export function mountFor(mounts: readonly AppMount[], uri: string): AppMount | null {
  let best: AppMount | null = null;
  for (const m of mounts) {
    const p = m.prefix;
    if (uri === p || uri.startsWith(p + "/") || p === "") {
      if (best === null || p.length > best.prefix.length) best = m;
    }
  }
  return best;
}
