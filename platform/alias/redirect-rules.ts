import type { RedirectRule } from "./directives";
import type { Request } from "../request";
import { encodeUrlPath } from "../url-path";

/** Rules in the order mod_alias tries them: inner places first, file order within each. */
export function rulesInOrder(rules: readonly RedirectRule[]): RedirectRule[] {
  const groups = new Map<number, RedirectRule[]>();
  for (const r of rules) {
    const g = groups.get(r.group);
    if (g) g.push(r);
    else groups.set(r.group, [r]);
  }
  return [...groups.values()].reverse().flat();
}

/**
 * mod_alias's `Redirect`/`RedirectMatch`: when a rule matches the request's URI, sets
 * `Location` and returns the status to answer; null when none matches. Server-level rules
 * are checked at translation (before access control), section rules at fixup, as in Apache.
 */
export function checkRedirect(req: Request, rules: readonly RedirectRule[], serverLevel: boolean): number | null {
  for (const rule of rules) {
    if (rule.serverLevel !== serverLevel) continue;
    const target = matchRule(rule, req.uri);
    if (target === undefined) continue;
    if (target !== null) {
      let location = target.startsWith("/") ? req.constructUrl(target) : target;
      if (req.args !== null && !location.includes("?")) location += `?${req.args}`;
      req.headersOut.set("Location", location);
    }
    return rule.status;
  }
  return null;
}

/** The target for `uri` (null for target-less statuses), or undefined when the rule does not match. */
function matchRule(rule: RedirectRule, uri: string): string | null | undefined {
  if (rule.fromRegex) {
    const m = rule.fromRegex.exec(uri);
    if (!m) return undefined;
    if (rule.target === null) return null;
    return rule.target.replace(/\$(\d)/g, (_, n: string) => encodeUrlPath(m[Number(n)] ?? ""));
  }
  const from = rule.fromPath!;
  const boundary = from.endsWith("/") || uri.length === from.length || uri[from.length] === "/";
  if (!uri.startsWith(from) || !boundary) return undefined;
  if (rule.target === null) return null;
  return rule.target + encodeUrlPath(uri.slice(from.length));
}
