import { isIP } from "node:net";

/** `10.1.2.3`, `10.1` (whole leading octets), `10.0.0.0/8`, `::1`, `fe80::/10`. */
export function isIpSpec(spec: string): boolean {
  const [addr, bits, extra] = spec.split("/");
  if (extra !== undefined) return false;
  const family = isIP(addr);
  if (bits !== undefined) return family !== 0 && /^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32);
  return family !== 0 || /^\d{1,3}(\.\d{1,3}){0,2}\.?$/.test(addr);
}
