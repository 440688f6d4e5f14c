import type { DirConfig, ImportEntry, ListenAddress, Section, VirtualServer } from "../model";

/** Where a directive may appear. */
export const Context = {
  SERVER: 1,
  VHOST: 2,
  DIR: 4,
} as const;
export const RSRC = Context.SERVER | Context.VHOST;
export const OR_ALL = Context.SERVER | Context.VHOST | Context.DIR;

/** Server-wide settings only the main configuration may set. */
export interface RootSettings {
  serverRoot: string;
  listen: ListenAddress[];
  workers: number | undefined;
  gracefulShutdownTimeout: number | undefined;
  imports: ImportEntry[];
}

/** What a directive's `apply` may change, for the place it appears in. */
export interface ApplyContext {
  readonly root: RootSettings;
  /** Server-level fields this (virtual) server sets explicitly; unset ones inherit. */
  readonly server: Partial<VirtualServer>;
  /** The per-directory config of the enclosing section, or of the server's top level. */
  readonly dir: DirConfig;
  /** Set when the directive is at server/vhost level (not in a section). */
  readonly serverLevel: { settings: Map<string, string>; options: Map<string, string> } | null;
  /** Folder handler modules of this place resolve against first (trailing `/`), or null. */
  readonly handlerDirectory: string | null;
  readonly isLocation: boolean;
  /** The enclosing section, or null at server/vhost level. */
  readonly section: Section | null;
  readonly file: string;
  readonly line: number;
  /** Resolves a path against ServerRoot. */
  resolvePath(p: string): string;
}

export interface DirectiveDef {
  /** Canonical spelling. */
  readonly name: string;
  readonly contexts: number;
  readonly minArgs: number;
  readonly maxArgs: number;
  /** Throws an Error whose message becomes `FILE:LINE: message`. */
  apply(ctx: ApplyContext, args: string[]): void;
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
