import type { ConfigRegex } from "./config-regex";

/**
 * Where a directive may be written (Apache's `RSRC_CONF`, `ACCESS_CONF`, `OR_ALL`):
 * - `main`: the main server's top level only (Listen, Workers);
 * - `server`: the main server or a `<VirtualHost>`, outside sections;
 * - `dir`: inside `<Directory>`, `<Location>` and `<Files>` sections only;
 * - `both`: at server level and inside sections.
 */
export type DirectiveContext = "main" | "server" | "dir" | "both";

export type SectionKind = "directory" | "files" | "location";

/** The section a directive line is in, as its parser sees it. */
export interface SectionInfo {
  readonly id: number;
  readonly kind: SectionKind;
  /** Directory (absolute, trailing `/`), file name or URL path pattern as written. */
  readonly pattern: string;
  /** Set for `*Match` sections, `~` forms and wildcard patterns. */
  readonly regex: ConfigRegex | null;
}

/** What a directive's parser knows about the line it parses. */
export interface Where {
  readonly file: string;
  readonly line: number;
  /** The enclosing section, or null at server (or `<VirtualHost>`) level. */
  readonly section: SectionInfo | null;
  /** Tells places apart: a section's id, or a negative number for a server's top level. */
  readonly place: number;
  /** Folder that handler modules named here are looked up in first (trailing `/`), or null. */
  readonly handlerDirectory: string | null;
  readonly serverRoot: string;
  /** A path made absolute against ServerRoot. */
  resolvePath(p: string): string;
  /** The block directive the line is inside (`RequireAll`, `Limit`, ...), or null. */
  readonly inside: string | null;
}

/** A line inside a block directive, parsed by its own directive and handed to the block's parse. */
export interface NestedLine {
  readonly spec: DirectiveSpec<any>;
  readonly value: unknown;
  readonly where: Where;
}

/**
 * An error that belongs to another line than the one being parsed: a block directive's parse
 * throws it for a nested line it refuses, so the error names that line's `FILE:LINE`.
 */
export class LineError extends Error {
  constructor(
    readonly where: { readonly file: string; readonly line: number },
    message: string,
  ) {
    super(message);
  }
}

/**
 * One configuration directive. `parse` turns a line's arguments into a typed value (throwing an
 * Error whose message is reported at `FILE:LINE`); the values of one place combine, and the values
 * of an outer and an inner place merge, by the rules below.
 */
export interface DirectiveSpec<T = unknown> {
  /** Canonical spelling (matched case-insensitively). */
  readonly name: string;
  readonly context: DirectiveContext;
  /** Exactly this many arguments, or `[min, max]` (`max` may be `Infinity`). */
  readonly args: number | readonly [number, number];
  /**
   * `nested`: for a block directive, the lines between its opening and closing, each parsed by
   * its own directive (none of them is stored by itself).
   */
  parse(args: string[], where: Where, nested: readonly NestedLine[]): T;
  /**
   * A block directive, written `<Name args> ... </Name>` (`<RequireAll>`, `<Limit GET>`): the
   * lines inside are parsed with the same directive table and handed to `parse` as `nested`.
   */
  readonly block?: true;
  /** A second line in the same place: by default it replaces the first. */
  readonly combine?: (earlier: T, later: T) => T;
  /** An inner place (section, virtual host) over an outer one: by default the inner value wins. */
  readonly merge?: (outer: T, inner: T) => T;
  /**
   * Stores into another directive's value (RemoveHandler into AddHandler's table, ...), with that
   * directive's combine and merge rules; the two parsers must produce the same type.
   */
  readonly shares?: DirectiveSpec<T>;
}

/** Identity, for type inference of a directive's value type. */
export function directive<T>(spec: DirectiveSpec<T>): DirectiveSpec<T> {
  return spec;
}

/** Combine/merge rule for a list: later (inner) items after earlier (outer) ones. */
export function appendList<E>(a: readonly E[], b: readonly E[]): E[] {
  return [...a, ...b];
}

/** Combine/merge rule for a table: later (inner) keys replace earlier (outer) ones. */
export function mergeMaps<K, V>(a: ReadonlyMap<K, V>, b: ReadonlyMap<K, V>): Map<K, V> {
  return new Map([...a, ...b]);
}

export function flagArg(name: string, value: string): boolean {
  const v = value.toLowerCase();
  if (v === "on") return true;
  if (v === "off") return false;
  throw new Error(`${name} takes On or Off, not '${value}'`);
}

export function intArg(name: string, value: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^\d+$/.test(value)) throw new Error(`${name} takes a whole number, not '${value}'`);
  const n = Number(value);
  if (n < min) throw new Error(`${name} must be at least ${min}`);
  if (n > max) throw new Error(`${name} must be at most ${max}`);
  return n;
}

/** The longest delay a Node timer takes (2^31 - 1 ms); a longer one would be cut short. */
const MAX_TIMER_SECONDS = 2147483;

/** Seconds, or milliseconds with an `ms` suffix (as Apache's KeepAliveTimeout). */
export function secondsArg(name: string, value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms)?$/.exec(value);
  if (!m) throw new Error(`${name} takes a number of seconds, not '${value}'`);
  const seconds = m[2] ? Number(m[1]) / 1000 : Number(m[1]);
  if (seconds > MAX_TIMER_SECONDS) throw new Error(`${name} must be at most ${MAX_TIMER_SECONDS} seconds (about 24 days)`);
  return seconds;
}

/** `.ext` lower-case with its dot, as AddType and AddHandler store extensions. */
export function extensionArg(ext: string): string {
  return (ext.startsWith(".") ? ext : "." + ext).toLowerCase();
}
