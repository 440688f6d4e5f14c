import { BlockList, isIPv4, isIPv6 } from "node:net";

/**
 * A set of addresses and networks as Apache writes them (`Require ip`, `RemoteIPTrustedProxy`):
 * `10.1.2.3`, `10.1` (a prefix of whole octets), `10.0.0.0/8`, `::1`, `fe80::/10`. An IPv4
 * client on a dual-stack socket (`::ffff:10.1.2.3`) matches its IPv4 form.
 */
export class IpList {
  private readonly list = new BlockList();

  constructor(specs: readonly string[]) {
    for (const spec of specs) addIpSpec(this.list, spec);
  }

  has(ip: string): boolean {
    const bare = ip.startsWith("::ffff:") && isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
    return this.list.check(bare, isIPv6(bare) ? "ipv6" : "ipv4");
  }
}

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
