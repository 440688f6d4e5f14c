import { BlockList, isIPv4, isIPv6 } from "node:net";

/** What the `Require` lines in effect say before anyone has authenticated. */
export type AccessVerdict = "granted" | "denied" | "needs-user";

const ipLists = new WeakMap<string[][], BlockList>();

/**
 * Evaluates `Require` lines as Apache's implicit `<RequireAny>`: a host-based line that
 * matches grants access without authentication; otherwise lines naming users need an
 * authenticated user; otherwise access is denied. No `Require` at all grants.
 */
export function checkHostAccess(requires: string[][] | undefined, remoteIp: string): AccessVerdict {
  if (!requires || requires.length === 0) return "granted";
  let needsUser = false;
  for (const [kind, ...rest] of requires) {
    if (kind === "all" && rest[0].toLowerCase() === "granted") return "granted";
    if (kind === "valid-user" || kind === "user" || kind === "group") needsUser = true;
  }
  if (requires.some(([k]) => k === "ip") && ipList(requires).check(...ipAndFamily(remoteIp))) return "granted";
  return needsUser ? "needs-user" : "denied";
}

/** After authentication: does one of the user lines accept `user`? */
export function userSatisfies(requires: string[][] | undefined, user: string): boolean {
  for (const [kind, ...names] of requires ?? []) {
    if (kind === "valid-user") return true;
    if (kind === "user" && names.includes(user)) return true;
  }
  return false;
}

function ipAndFamily(ip: string): [string, "ipv4" | "ipv6"] {
  const bare = ip.startsWith("::ffff:") && isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
  return [bare, isIPv6(bare) ? "ipv6" : "ipv4"];
}

/** Built once per `Require` set (the set is part of a cached merged config). */
function ipList(requires: string[][]): BlockList {
  let list = ipLists.get(requires);
  if (list) return list;
  list = new BlockList();
  for (const [kind, ...specs] of requires) {
    if (kind !== "ip") continue;
    for (const spec of specs) addIpSpec(list, spec);
  }
  ipLists.set(requires, list);
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
