import { IpList } from "../core";

/** What the `Require` lines in effect say before anyone has authenticated. */
export type AccessVerdict = "granted" | "denied" | "needs-user";

/**
 * Evaluates `Require` lines as Apache's implicit `<RequireAny>`: a host-based line that
 * matches grants access without authentication; otherwise lines naming users need an
 * authenticated user; otherwise access is denied. No `Require` at all grants.
 */
export function checkHostAccess(rules: RequireRules, remoteIp: string): AccessVerdict {
  if (rules.lines.length === 0 || rules.allGranted) return "granted";
  if (rules.ips?.has(remoteIp)) return "granted";
  return rules.needsUser ? "needs-user" : "denied";
}

/** The `Require` lines of a plan, with what the host check needs worked out once. */
export interface RequireRules {
  readonly lines: readonly (readonly string[])[];
  readonly allGranted: boolean;
  readonly needsUser: boolean;
  /** The `Require ip` addresses and ranges; null without any. */
  readonly ips: IpList | null;
}

export function requireRules(lines: readonly (readonly string[])[] | undefined): RequireRules {
  const all = lines ?? [];
  return {
    lines: all,
    allGranted: all.some(([kind, value]) => kind === "all" && value.toLowerCase() === "granted"),
    needsUser: all.some(([kind]) => kind === "valid-user" || kind === "user" || kind === "group"),
    ips: all.some(([kind]) => kind === "ip") ? new IpList(all.filter(([kind]) => kind === "ip").flatMap(([, ...specs]) => specs)) : null,
  };
}

/** After authentication: does one of the user lines accept `user`? */
export function userSatisfies(rules: RequireRules, user: string): boolean {
  for (const [kind, ...names] of rules.lines) {
    if (kind === "valid-user") return true;
    if (kind === "user" && names.includes(user)) return true;
  }
  return false;
}
