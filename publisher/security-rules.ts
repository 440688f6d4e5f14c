import * as path from "node:path";
import { APLOG_INFO, APLOG_WARNING, HTTP_FORBIDDEN, HTTP_NOT_FOUND, ServerReturn, closest, type Request } from "../platform";
import type { EntryKind } from "./fs-probe";
import { callableOf, functionKind, isModuleNamespace, isPlainObject, isUserClassInstance, type Member } from "./value-kinds";

/** The module file a URL picked, as the module rules see it. */
export interface ModuleFileFacts {
  /** Folders and file name below the publisher's root, as named in the URL. */
  readonly segments: readonly string[];
  readonly kind: EntryKind;
  /** Where the file really is (symlinks resolved); for a URL mapped outside the root, that path. */
  readonly real: string | null;
  readonly rootReal: string;
}

/** A name looked up among a module's exports. */
export interface ExportFacts {
  readonly exported: boolean;
  /** Declared by the module itself (not an imported binding passed on). */
  readonly own: boolean;
}

/** A segment looked up in an object. */
export interface MemberFacts {
  readonly found: Member;
  /** Declared `private` or `protected` in TypeScript (the compiled class no longer says so). */
  readonly hidden: boolean;
}

/**
 * What each rule looks at:
 * - `module`: the module file a URL picked;
 * - `name`: each URL segment after the module, on its own;
 * - `export`: a segment looked up in the module's exports;
 * - `member`: a segment looked up in an object (own property or class method);
 * - `traverse`: a value a further segment would walk into;
 * - `publish`: the value the URL ends at.
 */
interface Subjects {
  module: ModuleFileFacts;
  name: string;
  export: ExportFacts;
  member: MemberFacts;
  traverse: unknown;
  publish: unknown;
}

export type Stage = keyof Subjects;

export interface SecurityRule<S extends Stage = Stage> {
  /** Stable name, used in the log, the docs and the tests. */
  readonly id: string;
  readonly stage: S;
  readonly status: typeof HTTP_FORBIDDEN | typeof HTTP_NOT_FOUND;
  readonly reason: string;
  readonly denies: (subject: Subjects[S]) => boolean;
}

type AnyRule = { [S in Stage]: SecurityRule<S> }[Stage];

/** Names every object inherits from `Object.prototype`, plus `prototype`: never a URL segment. */
const PROTOTYPE_NAMES: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), "prototype"]);

function isObjectLike(v: unknown): v is object {
  return (typeof v === "object" && v !== null) || typeof v === "function";
}

function inside(p: string, root: string): boolean {
  return p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/**
 * Everything the publisher refuses, in one place, checked in this order within a stage.
 * The first rule that denies answers the request (its status; the reason goes to the log,
 * never to the client).
 */
export const SECURITY_RULES: readonly AnyRule[] = [
  { id: "private-module", stage: "module", status: HTTP_FORBIDDEN, reason: "module or folder name starts with '_'", denies: (m) => m.segments.some((s) => s.startsWith("_")) },
  { id: "hidden-module", stage: "module", status: HTTP_NOT_FOUND, reason: "module or folder name starts with '.'", denies: (m) => m.segments.some((s) => s.startsWith(".")) },
  { id: "outside-root", stage: "module", status: HTTP_FORBIDDEN, reason: "module is outside the publisher's folder (symlink or mapping)", denies: (m) => m.real !== null && !inside(m.real, m.rootReal) },
  { id: "not-a-file", stage: "module", status: HTTP_NOT_FOUND, reason: "no module file", denies: (m) => m.kind !== "file" },
  { id: "underscore-name", stage: "name", status: HTTP_FORBIDDEN, reason: "name starts with '_'", denies: (n) => n.startsWith("_") },
  { id: "prototype-name", stage: "name", status: HTTP_FORBIDDEN, reason: "name of a built-in prototype property", denies: (n) => PROTOTYPE_NAMES.has(n) },
  { id: "not-exported", stage: "export", status: HTTP_NOT_FOUND, reason: "the module exports no such name", denies: (e) => !e.exported },
  { id: "imported-export", stage: "export", status: HTTP_FORBIDDEN, reason: "exported, but not declared by the module itself (an imported binding)", denies: (e) => !e.own },
  { id: "not-a-member", stage: "member", status: HTTP_NOT_FOUND, reason: "neither an own property nor a class method", denies: (m) => m.found === null },
  { id: "private-member", stage: "member", status: HTTP_FORBIDDEN, reason: "declared private or protected in TypeScript", denies: (m) => m.hidden },
  { id: "accessor", stage: "member", status: HTTP_FORBIDDEN, reason: "getter/setter (traversal never runs code)", denies: (m) => m.found?.kind === "accessor" },
  { id: "function-not-traversable", stage: "traverse", status: HTTP_FORBIDDEN, reason: "functions and classes are not traversable", denies: (v) => typeof v === "function" },
  { id: "namespace-not-traversable", stage: "traverse", status: HTTP_FORBIDDEN, reason: "module namespaces are not traversable", denies: (v) => isObjectLike(v) && isModuleNamespace(v) },
  { id: "builtin-not-traversable", stage: "traverse", status: HTTP_FORBIDDEN, reason: "only plain objects and class instances are traversable", denies: (v) => !isObjectLike(v) || !(isPlainObject(v) || isUserClassInstance(v)) },
  { id: "class-not-published", stage: "publish", status: HTTP_FORBIDDEN, reason: "classes are not published", denies: (v) => typeof v === "function" && functionKind(v) === "class" },
  { id: "native-not-published", stage: "publish", status: HTTP_FORBIDDEN, reason: "built-in and bound functions are not published", denies: (v) => typeof v === "function" && functionKind(v) === "native" },
  { id: "namespace-not-published", stage: "publish", status: HTTP_FORBIDDEN, reason: "module namespaces are not published", denies: (v) => isObjectLike(v) && isModuleNamespace(v) },
  { id: "not-callable", stage: "publish", status: HTTP_FORBIDDEN, reason: "values that are not functions (or objects with __call__) are not published", denies: (v) => callableOf(v) === null },
];

const BY_STAGE = new Map<Stage, AnyRule[]>();
for (const rule of SECURITY_RULES) {
  const list = BY_STAGE.get(rule.stage);
  if (list) list.push(rule);
  else BY_STAGE.set(rule.stage, [rule]);
}

/** The first rule of `stage` that denies `subject`, or null. */
function violation<S extends Stage>(stage: S, subject: Subjects[S]): SecurityRule<S> | null {
  for (const rule of (BY_STAGE.get(stage) ?? []) as unknown as SecurityRule<S>[]) if (rule.denies(subject)) return rule;
  return null;
}

/**
 * Ends the request with the status of the first rule that denies `subject`; `what` names the
 * subject in the log line (`tests.ts: index/name`). A 404 is most often a typo in a URL or a
 * name, so it is logged at the default level (warn), with the closest of `candidates` (the
 * names that would have been found) as "did you mean"; a 403 is a rule doing its job (info).
 */
export function enforce<S extends Stage>(req: Request, stage: S, subject: Subjects[S], what: string | (() => string), candidates?: () => { name: string; names: Iterable<string> }): void {
  const rule = violation(stage, subject);
  if (!rule) return;
  const notFound = rule.status === HTTP_NOT_FOUND;
  const guess = notFound && candidates ? didYouMean(candidates()) : "";
  req.logError(`publisher: ${typeof what === "string" ? what : what()}: refused by rule '${rule.id}' (${rule.reason})${guess}`, notFound ? APLOG_WARNING : APLOG_INFO);
  throw new ServerReturn(rule.status);
}

function didYouMean({ name, names }: { name: string; names: Iterable<string> }): string {
  const guess = closest(name, names);
  return guess ? `; did you mean '${guess}'?` : "";
}
