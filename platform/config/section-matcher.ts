import * as path from "node:path";
import { BoundedMap } from "../bounded-map";
import type { ParsedServer, Section } from "./parser";
import type { ConfigValues } from "./values";

/**
 * Finds the sections that apply to a request and gives the thing `build` makes of their merged
 * values (the module layer's plan). The answer depends only on the URI and the file (a reload
 * makes a new matcher), so it is remembered per URI and file, and each distinct combination of
 * sections is merged and built once: after warm-up the request path does no matching or merging.
 */
export class SectionMatcher<P> {
  private readonly directories: Section[];
  private readonly directoryRegexes: Section[];
  private readonly files: Section[];
  private readonly locations: Section[];
  private readonly built = new Map<string, P>();
  private readonly byLocation = new BoundedMap<string, P>();
  private readonly byRequest = new BoundedMap<string, P>();
  /** The server's top level, before any section is known. */
  readonly top: P;

  constructor(
    server: ParsedServer,
    private readonly build: (values: ConfigValues) => P,
  ) {
    const dirs = server.sections.filter((s) => s.kind === "directory");
    // Apache merges plain <Directory> sections shortest path first, then the regex forms in
    // file order; Array#sort is stable, so equal depths keep their file order.
    this.directories = dirs.filter((s) => !s.isMatch).sort((a, b) => a.depth - b.depth);
    this.directoryRegexes = dirs.filter((s) => s.isMatch);
    this.files = server.sections.filter((s) => s.kind === "files");
    this.locations = server.sections.filter((s) => s.kind === "location");
    this.top = build(server.values);
    this.built.set("", this.top);
    this.base = server.values;
  }

  private readonly base: ConfigValues;

  /** From the server and its `<Location>` sections only (before the file is known). */
  forLocation(uri: string): P {
    let p = this.byLocation.get(uri);
    if (!p) this.byLocation.set(uri, (p = this.of(this.locations.filter((s) => matchLocation(s, uri)))));
    return p;
  }

  /** For a request mapped to `filename` (null: no file), every kind of section. */
  forRequest(uri: string, filename: string | null, isDirectory: boolean): P {
    const key = `${isDirectory ? "d" : "f"}${filename ?? ""}\0${uri}`;
    let p = this.byRequest.get(key);
    if (!p) this.byRequest.set(key, (p = this.of(this.match(uri, filename, isDirectory))));
    return p;
  }

  /** The sections that apply, in merge order (what `tsmod explain` shows). */
  sectionsFor(uri: string, filename: string | null, isDirectory: boolean): readonly Section[] {
    return this.match(uri, filename, isDirectory);
  }

  private match(uri: string, filename: string | null, isDirectory: boolean): Section[] {
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
    return matched;
  }

  private of(sections: Section[]): P {
    const key = sections.map((s) => s.id).join(",");
    let p = this.built.get(key);
    if (!p) {
      p = this.build(sections.reduce((acc, s) => acc.mergedWith(s.values), this.base));
      this.built.set(key, p);
    }
    return p;
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
