import { BlockList, isIPv4, isIPv6 } from "node:net";

/** What the `Require` lines in effect say before anyone has authenticated. */
export type AccessVerdict = "granted" | "denied" | "needs-user";

/**
 * Evaluates `Require` lines as Apache's implicit `<RequireAny>`: a host-based line that
 * matches grants access without authentication; otherwise lines naming users need an
 * authenticated user; otherwise access is denied. No `Require` at all grants.
 */
export function checkHostAccess(rules: RequireRules, remoteIp: string): AccessVerdict {
  if (rules.lines.length === 0 || rules.allGranted) return "granted";
  if (rules.ips?.check(...ipAndFamily(remoteIp))) return "granted";
  return rules.needsUser ? "needs-user" : "denied";
}

/** The `Require` lines of a plan, with what the host check needs worked out once. */
export interface RequireRules {
  readonly lines: readonly (readonly string[])[];
  readonly allGranted: boolean;
  readonly needsUser: boolean;
  /** The `Require ip` addresses and ranges; null without any. */
  readonly ips: BlockList | null;
}

export function requireRules(lines: readonly (readonly string[])[] | undefined): RequireRules {
  const all = lines ?? [];
  return {
    lines: all,
    allGranted: all.some(([kind, value]) => kind === "all" && value.toLowerCase() === "granted"),
    needsUser: all.some(([kind]) => kind === "valid-user" || kind === "user" || kind === "group"),
    ips: all.some(([kind]) => kind === "ip") ? ipList(all) : null,
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

function ipAndFamily(ip: string): [string, "ipv4" | "ipv6"] {
  const bare = ip.startsWith("::ffff:") && isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
  return [bare, isIPv6(bare) ? "ipv6" : "ipv4"];
}

function ipList(requires: readonly (readonly string[])[]): BlockList {
  const list = new BlockList();
  for (const [kind, ...specs] of requires) {
    if (kind !== "ip") continue;
    for (const spec of specs) addIpSpec(list, spec);
  }
  return list;
}

/** `10.1.2.3`, `10.1` (a prefix of whole octets), `10.0.0.0/8`, `::1`, `fe80::/10`. */
function addIpSpec(list: BlockList, spec: string): void {
  const [addr, bits] = spec.split("/");
  if (isIPv6(addr)) {
    if (bits) list.addSubnet(addr, Number(bits), "ipv6");
    else list.addAddress(addr, "ipv6");
    return;
  }
  const octets = addr.split(".").filter(Boolean);
  const full = [...octets, "0", "0", "0", "0"].slice(0, 4).join(".");
  if (!isIPv4(full)) return;
  if (bits) list.addSubnet(full, Number(bits), "ipv4");
  else if (octets.length === 4) list.addAddress(full, "ipv4");
  else list.addSubnet(full, octets.length * 8, "ipv4");
}
