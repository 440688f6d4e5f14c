import * as path from "node:path";
import { BoundedMap } from "../bounded-map";
import { mergeDirConfig, type DirConfig, type Section, type VirtualServer } from "./model";

/**
 * Finds the sections that apply to a request and returns their merged config. The answer
 * depends only on the URI and file (the configuration never changes: a reload makes a new
 * lookup), so it is remembered per URI and file; each distinct combination of sections is
 * merged once, so the request path does no matching or merging after warm-up.
 */
export class ConfigLookup {
  private readonly directories: Section[];
  private readonly directoryRegexes: Section[];
  private readonly files: Section[];
  private readonly locations: Section[];
  private readonly merged = new Map<string, DirConfig>();
  private readonly byLocation = new BoundedMap<string, DirConfig>();
  private readonly byRequest = new BoundedMap<string, DirConfig>();

  constructor(readonly server: VirtualServer) {
    const dirs = server.sections.filter((s) => s.kind === "directory");
    // Apache merges plain <Directory> sections shortest path first, then the regex forms in
    // file order; Array#sort is stable, so equal depths keep their file order.
    this.directories = dirs.filter((s) => !s.isMatch).sort((a, b) => a.depth - b.depth);
    this.directoryRegexes = dirs.filter((s) => s.isMatch);
    this.files = server.sections.filter((s) => s.kind === "files");
    this.locations = server.sections.filter((s) => s.kind === "location");
  }

  /** Config from the server and its `<Location>` sections only (before the file is known). */
  forLocation(uri: string): DirConfig {
    let cfg = this.byLocation.get(uri);
    if (!cfg) this.byLocation.set(uri, (cfg = this.mergeOf(this.locations.filter((s) => matchLocation(s, uri)))));
    return cfg;
  }

  /** The full per-directory config for a request mapped to `filename`. */
  forRequest(uri: string, filename: string | null, isDirectory: boolean): DirConfig {
    const key = `${isDirectory ? "d" : "f"}${filename ?? ""}\0${uri}`;
    let cfg = this.byRequest.get(key);
    if (!cfg) this.byRequest.set(key, (cfg = this.match(uri, filename, isDirectory)));
    return cfg;
  }

  private match(uri: string, filename: string | null, isDirectory: boolean): DirConfig {
    const matched: Section[] = [];
    if (filename !== null) {
      const dirPath = isDirectory ? filename.replace(/\/*$/, "/") : path.dirname(filename).replace(/\/*$/, "/");
      for (const s of this.directories) if (matchDirectory(s, dirPath)) matched.push(s);
      for (const s of this.directoryRegexes) if (s.regex!.test(dirPath)) matched.push(s);
      const base = path.basename(filename);
      for (const s of this.files) {
        if (s.parent && !matched.includes(s.parent)) continue;
        if (s.regex ? s.regex.test(base) : s.pattern === base) matched.push(s);
      }
    }
    for (const s of this.locations) if (matchLocation(s, uri)) matched.push(s);
    return this.mergeOf(matched);
  }

  private mergeOf(sections: Section[]): DirConfig {
    const key = sections.map((s) => s.id).join(",");
    let cfg = this.merged.get(key);
    if (!cfg) {
      cfg = sections.reduce((acc, s) => mergeDirConfig(acc, s.config), this.server.dir);
      this.merged.set(key, cfg);
    }
    return cfg;
  }
}

function matchDirectory(s: Section, dirPath: string): boolean {
  return s.regex ? s.regex.test(dirPath) : dirPath.startsWith(s.pattern);
}

/** `<Location /a>` covers `/a`, `/a/` and `/a/...` but not `/ab`. */
function matchLocation(s: Section, uri: string): boolean {
  if (s.regex) return s.regex.test(uri);
  const p = s.pattern;
  if (p === "/" || uri === p) return true;
  return uri.startsWith(p.endsWith("/") ? p : p + "/");
}
