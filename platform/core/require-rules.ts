import { IpList } from "./ip-list";
import { isIpSpec } from "./ip-spec";

/**
 * The `Require` rules of a place as mod_authz_core keeps them: a tree of requirements and
 * `<RequireAll>` / `<RequireAny>` / `<RequireNone>` containers, each requirement possibly limited
 * to some methods by `<Limit>` / `<LimitExcept>`. The core owns the shape (`req.requires()` reads
 * it); the authz_core module builds the containers and evaluates the tree.
 */

/** Methods a requirement applies to; null: every method. */
export interface MethodScope {
  readonly methods: ReadonlySet<string>;
  /** `<LimitExcept>`: every method but these. */
  readonly except: boolean;
}

/** One `Require [not] KIND args...` line. */
export interface Requirement {
  readonly type: "require";
  readonly negate: boolean;
  /** `all`, `valid-user`, `user`, `group`, `ip`, `method`, `env` (lower-case). */
  readonly kind: string;
  readonly args: readonly string[];
  /** `Require ip`'s addresses, worked out at load. */
  readonly ips: IpList | null;
  readonly scope: MethodScope | null;
  /** The line as written after `Require`, for `req.requires()` and the log. */
  readonly text: string;
}

/** `<RequireAll>` ("all"), `<RequireAny>` ("any"), `<RequireNone>` ("any", negated). */
export interface RequireContainer {
  readonly type: "all" | "any";
  readonly negate: boolean;
  readonly children: readonly RequireNode[];
  /** How it was written (`<RequireNone>`, `AuthMerging And`), for messages. */
  readonly label: string;
}

export type RequireNode = Requirement | RequireContainer;

/** `AuthMerging`: how a section's rules combine with the ones it inherits. */
export type AuthMerging = "off" | "and" | "or";

/**
 * A place's value of `Require` and the directives that share it: its top-level nodes (Apache's
 * implicit `<RequireAny>`) and its `AuthMerging`.
 */
export interface RequireRules {
  readonly nodes: readonly RequireNode[];
  readonly merging?: AuthMerging;
}

const KINDS = ["all", "valid-user", "user", "group", "ip", "method", "env"];

/** An HTTP method token as `<Limit>` and `Require method` take it (case-sensitive, as HTTP). */
export function methodArg(method: string): string {
  if (!/^[A-Z][A-Z0-9_-]*$/.test(method)) {
    const hint = /^[A-Za-z][\w-]*$/.test(method) ? ` (methods are case-sensitive: ${method.toUpperCase()})` : "";
    throw new Error(`'${method}' is not an HTTP method${hint}`);
  }
  return method;
}

/**
 * Parses one `Require` line's words. `topLevel`: the line is not inside a container, where a
 * negation could never decide anything (Apache refuses it there too).
 */
export function parseRequirement(words: readonly string[], topLevel: boolean): Requirement {
  const negate = words[0].toLowerCase() === "not";
  const [word, ...args] = negate ? words.slice(1) : words;
  if (word === undefined) throw new Error("Require not needs a requirement to negate");
  const kind = word.toLowerCase();
  if (!KINDS.includes(kind)) throw new Error(`unknown requirement '${word}' (one of ${KINDS.join(", ")})`);
  if (negate && topLevel) {
    throw new Error("a negative Require has no effect on its own (Apache's implicit <RequireAny>): put it in <RequireAll> with a requirement that can grant");
  }
  if (kind === "all" && (args.length !== 1 || !/^(granted|denied)$/i.test(args[0]))) throw new Error("Require all takes 'granted' or 'denied'");
  if (kind === "valid-user" && args.length) throw new Error("Require valid-user takes no arguments");
  if (kind !== "all" && kind !== "valid-user" && args.length === 0) throw new Error(`Require ${kind} needs at least one ${kind === "ip" ? "address" : "name"}`);
  if (kind === "ip") {
    const bad = args.find((w) => !isIpSpec(w));
    if (bad) throw new Error(`ip '${bad}' is not an address, a network prefix or a CIDR range`);
  }
  if (kind === "method") args.forEach(methodArg);
  return {
    type: "require",
    negate,
    kind,
    args: kind === "all" ? [args[0].toLowerCase()] : args,
    ips: kind === "ip" ? new IpList(args) : null,
    scope: null,
    text: [...(negate ? ["not"] : []), kind, ...args].join(" "),
  };
}

/** Lines of one place: later nodes after earlier ones; a later AuthMerging wins. */
export function combineRules(earlier: RequireRules, later: RequireRules): RequireRules {
  return { nodes: [...earlier.nodes, ...later.nodes], merging: later.merging ?? earlier.merging };
}

/**
 * An inner section over an outer one (mod_authz_core's merge): by default (`AuthMerging Off`) a
 * section's own rules replace the inherited ones; `And` / `Or` join both as
 * `<RequireAll>` / `<RequireAny>` of the outer rules and the section's.
 */
export function mergeRules(outer: RequireRules, inner: RequireRules): RequireRules {
  if (!inner.merging && inner.nodes.length === 0) return outer;
  if (!inner.merging || inner.merging === "off" || outer.nodes.length === 0) return { nodes: inner.nodes };
  if (inner.nodes.length === 0) return { nodes: outer.nodes };
  const label = `AuthMerging ${inner.merging === "and" ? "And" : "Or"}`;
  const any = (nodes: readonly RequireNode[]): RequireNode => (nodes.length === 1 ? nodes[0] : { type: "any", negate: false, children: nodes, label: "<RequireAny>" });
  return { nodes: [{ type: inner.merging === "and" ? "all" : "any", negate: false, children: [any(outer.nodes), any(inner.nodes)], label }] };
}

/** The `Require` lines in effect, as mod_python's `req.requires()` lists them. */
export function requireLines(rules: RequireRules | undefined): string[] {
  const out: string[] = [];
  const walk = (nodes: readonly RequireNode[]) => {
    for (const n of nodes) {
      if (n.type === "require") out.push(n.text);
      else walk(n.children);
    }
  };
  if (rules) walk(rules.nodes);
  return out;
}
