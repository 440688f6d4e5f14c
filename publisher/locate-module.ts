import * as path from "node:path";
import { MODULE_EXTENSIONS, type Request } from "../platform";
import { probe } from "./fs-probe";
import { enforce } from "./security-rules";
import { TtlCache } from "../platform";

/** The module a URL names and the path of the callable inside it. */
export interface ModuleTarget {
  readonly file: string;
  /** Where the file is, relative to the root (for messages). */
  readonly label: string;
  /** Names to walk from the module's exports; never empty (`["index"]` by default). */
  readonly names: readonly string[];
}

/**
 * The folder the publisher serves: the `<Directory>` section it was configured in (a
 * wildcard section: the part of the file name it matched), else the `DocumentRoot`.
 */
export function publisherRoot(req: Request): string {
  const dir = req.hlist?.directory;
  if (!dir) return stripSlash(req.server.documentRoot);
  if (!/[*?[]/.test(dir)) return stripSlash(dir);
  const depth = dir.split("/").filter(Boolean).length;
  return "/" + (req.filename ?? "").split("/").filter(Boolean).slice(0, depth).join("/");
}

function stripSlash(p: string): string {
  return p.length > 1 && p.endsWith("/") ? p.replace(/\/+$/, "") : p;
}

/**
 * mod_python's mapping, on the translated path (`req.filename` + `req.pathInfo`) below the
 * root: folders are entered while more of the path follows; the next name is the module
 * (`tests`, `tests.ts`), else `index` of that folder takes the name as its first callable;
 * what is left names the callable, one trailing slash ignored, `index` when empty.
 */
export function locateModule(req: Request): ModuleTarget {
  const root = publisherRoot(req);
  const full = (req.filename ?? "") + req.pathInfo;
  // Built from probe answers only: kept as long as one, so changes still show within seconds.
  // Keyed by the path alone, a short key to hash per request; the root (one per section, the
  // same string each time) is checked on the entry.
  const now = Date.now();
  const hit = located.get(full, now);
  if (hit !== undefined && hit.root === root) return hit.target;
  const target = locate(req, root, full);
  located.set(full, { root, target }, now);
  return target;
}

/** Targets that passed the security rules (a refused URL is looked at again each time). */
const located = new TtlCache<{ root: string; target: ModuleTarget }>();

function locate(req: Request, root: string, full: string): ModuleTarget {
  const rootReal = probe(root).real ?? root;
  if (!(full === root || full.startsWith(root === "/" ? root : root + "/"))) {
    enforce(req, "module", { segments: [], kind: null, real: full, rootReal }, full);
  }
  const segments = full.slice(root.length).split("/").slice(1);
  let dir = root;
  let i = 0;
  const folders: string[] = [];
  while (i < segments.length - 1 && segments[i] !== "" && probe(path.join(dir, segments[i])).kind === "dir") {
    folders.push(segments[i]);
    dir = path.join(dir, segments[i]);
    i++;
  }
  const name = segments[i] ?? "";
  let rest = segments.slice(i + 1);
  let file = name ? findModuleFile(dir, name) : null;
  if (!file) {
    if (name) rest = [name, ...rest];
    file = findModuleFile(dir, "index") ?? path.join(dir, "index");
  }
  if (rest.length > 0 && rest[rest.length - 1] === "") rest = rest.slice(0, -1);
  const label = [...folders, path.basename(file)].join("/");
  const found = probe(file);
  enforce(req, "module", { segments: [...folders, path.basename(file)], kind: found.kind, real: found.real, rootReal }, label);
  return { file, label, names: rest.length > 0 ? rest : ["index"] };
}

/** `name` as a module file in `dir`: exactly as written, else its base name with each module extension. */
function findModuleFile(dir: string, name: string): string | null {
  const ext = path.extname(name);
  const isModuleExt = MODULE_EXTENSIONS.includes(ext);
  if (isModuleExt && probe(path.join(dir, name)).kind === "file") return path.join(dir, name);
  const base = isModuleExt ? name.slice(0, -ext.length) : name;
  for (const e of MODULE_EXTENSIONS) {
    const candidate = path.join(dir, base + e);
    if (probe(candidate).kind === "file") return candidate;
  }
  return null;
}
