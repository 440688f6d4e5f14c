import { isIPv6 } from "node:net";

/** The name and port a Host header gives; `port` is -1 when it names none. */
export interface HostAndPort {
  readonly name: string;
  readonly port: number;
}

const NO_HOST: HostAndPort = { name: "", port: -1 };

/**
 * A Host header checked as Apache's `HttpProtocolOptions Strict` checks it (vhost.c's
 * `fix_hostname`): a name of letters, digits, `-`, `_` and single dots whose last label starts
 * with a letter, a dotted-quad IPv4 address, or a bracketed IPv6 address without a zone; then
 * an optional `:port` of digits. Null when it is none of these: the request is a 400, so a
 * name never reaches a `Location`, a log or a file path with `/`, `?`, `%` or `@` in it. An
 * empty header is allowed (RFC 9112) and names no host.
 */
export function parseHost(value: string): HostAndPort | null {
  if (value === "") return NO_HOST;
  let end: number;
  let name: string;
  if (value.charCodeAt(0) === 0x5b /* [ */) {
    end = value.indexOf("]") + 1;
    name = value.slice(1, end - 1);
    if (end === 0 || name.includes("%") || !isIPv6(name)) return null;
  } else {
    end = value.indexOf(":");
    if (end < 0) end = value.length;
    name = value.slice(0, end);
    if (!isRegNameOrIPv4(name)) return null;
  }
  if (end === value.length) return { name, port: -1 };
  if (value.charCodeAt(end) !== 0x3a /* : */) return null;
  if (end + 1 === value.length) return { name, port: -1 };
  let port = 0;
  for (let i = end + 1; i < value.length; i++) {
    const d = value.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return null;
    port = port * 10 + d;
    if (port > 65535) return null;
  }
  return { name, port };
}

/** Apache's `strict_hostname_check`, on a name without port or brackets. */
function isRegNameOrIPv4(name: string): boolean {
  if (name.length === 0) return false;
  let dottedDecimal = true;
  let lastLabel = 0;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 0x2e /* . */) {
      if (i + 1 < name.length && name.charCodeAt(i + 1) === 0x2e) return false;
      lastLabel = i + 1;
    } else if (isLetter(c) || c === 0x2d /* - */ || c === 0x5f /* _ */) {
      dottedDecimal = false;
    } else if (c < 0x30 || c > 0x39) {
      return false;
    }
  }
  // A trailing dot ends a fully qualified name (`example.com.`, `10.0.0.1.`).
  if (dottedDecimal) return isIPv4(name.endsWith(".") ? name.slice(0, -1) : name);
  // The top-level label starts with a letter (RFC 1123 2.1), so `1.2.3.4.5` is no name either.
  return lastLabel === 0 || lastLabel === name.length || isLetter(name.charCodeAt(lastLabel));
}

/** Four decimal parts of 0-255, without leading zeros (RFC 3986 7.4). */
function isIPv4(name: string): boolean {
  let parts = 0;
  let value = -1;
  let digits = 0;
  for (let i = 0; i <= name.length; i++) {
    const c = i < name.length ? name.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      if (digits === 0 || value > 255) return false;
      parts++;
      value = -1;
      digits = 0;
      continue;
    }
    if (digits === 1 && value === 0) return false;
    value = (value < 0 ? 0 : value * 10) + (c - 48);
    digits++;
  }
  return parts === 4;
}

function isLetter(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}
