import type { RequireNode, Requirement } from "../core";

/** mod_authz_core's results: "denied-no-user" means a user could still change the answer. */
export type AuthzResult = "granted" | "denied" | "denied-no-user" | "neutral";

/** What the requirements are checked against; `user` null before authentication. */
export interface AuthzFacts {
  readonly method: string;
  readonly remoteIp: string;
  readonly user: string | null;
  /** The user's groups (asked of the provider once, when some requirement names a group). */
  readonly groups: ReadonlySet<string> | null;
  hasEnv(name: string): boolean;
}

function applies(node: RequireNode, method: string): boolean {
  if (node.type !== "require") return node.children.some((c) => applies(c, method));
  if (!node.scope) return true;
  return node.scope.methods.has(method) !== node.scope.except;
}

function check(r: Requirement, facts: AuthzFacts): AuthzResult {
  switch (r.kind) {
    case "all":
      return r.args[0] === "granted" ? "granted" : "denied";
    case "ip":
      return r.ips!.has(facts.remoteIp) ? "granted" : "denied";
    case "method":
      return r.args.includes(facts.method === "HEAD" ? "GET" : facts.method) || r.args.includes(facts.method) ? "granted" : "denied";
    case "env":
      return r.args.some((name) => facts.hasEnv(name)) ? "granted" : "denied";
    case "valid-user":
      return facts.user === null ? "denied-no-user" : "granted";
    case "user":
      return facts.user === null ? "denied-no-user" : r.args.includes(facts.user) ? "granted" : "denied";
    case "group":
      return facts.user === null ? "denied-no-user" : r.args.some((g) => facts.groups?.has(g)) ? "granted" : "denied";
    default:
      return "denied";
  }
}

/**
 * Apache 2.4's evaluation of a requirement tree (mod_authz_core): a container goes through its
 * children until the answer is settled, neutral children leave it alone; a negation turns granted
 * into denied and any denial into neutral (not being refused is no reason to let in). A node
 * limited to other methods is granted inside an AND and neutral inside an OR.
 */
export function evaluate(node: RequireNode, facts: AuthzFacts, parentIsAnd: boolean): AuthzResult {
  if (!applies(node, facts.method)) return parentIsAnd ? "granted" : "neutral";
  let result: AuthzResult;
  if (node.type === "require") {
    result = check(node, facts);
  } else {
    const and = node.type === "all";
    result = "neutral";
    for (const child of node.children) {
      const r = evaluate(child, facts, and);
      if (r === "neutral") continue;
      if (and) {
        if (r === "denied") {
          result = r;
          break;
        }
        if ((r === "denied-no-user" && result !== "denied") || result === "neutral") result = r;
      } else {
        if (r === "granted") {
          result = r;
          break;
        }
        if ((r === "denied-no-user" && result === "denied") || result === "neutral") result = r;
      }
    }
  }
  if (node.negate) {
    if (result === "granted") return "denied";
    if (result === "denied" || result === "denied-no-user") return "neutral";
  }
  return result;
}

/** Whether any requirement in the tree names groups (their lookup is then worth its cost). */
export function namesGroups(node: RequireNode): boolean {
  return node.type === "require" ? node.kind === "group" : node.children.some(namesGroups);
}
