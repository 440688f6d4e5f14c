import * as fs from "node:fs";
import { appendList, directive, flagArg, type DirectiveSpec, type Where } from "../config";

/**
 * mod_ssl's and mod_http2's directives of a (virtual) server: the socket server reads them to
 * decide which listeners speak TLS and HTTP/2, and which certificate each name gets (SNI).
 */

/** A PEM file read at load time: a reload (SIGHUP) reads it again, so a renewed certificate is picked up. */
export interface PemFile {
  readonly file: string;
  readonly pem: string;
  readonly line: number;
  readonly configFile: string;
}

function pemFile(name: string): DirectiveSpec<PemFile> {
  return directive<PemFile>({
    name,
    context: "server",
    args: 1,
    parse: ([value], where) => readPem(value, where),
  });
}

function readPem(value: string, where: Where): PemFile {
  const file = where.resolvePath(value);
  let pem: string;
  try {
    pem = fs.readFileSync(file, "utf8");
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new Error(`cannot read '${file}': ${err.code === "ENOENT" ? "no such file" : err.code === "EACCES" ? "permission denied" : err.message}`);
  }
  if (!pem.includes("-----BEGIN ")) throw new Error(`'${file}' is not a PEM file (no -----BEGIN line)`);
  return { file, pem, line: where.line, configFile: where.file };
}

export const SSLEngine = directive<boolean>({ name: "SSLEngine", context: "server", args: 1, parse: ([v]) => flagArg("SSLEngine", v) });
export const SSLCertificateFile = pemFile("SSLCertificateFile");
export const SSLCertificateKeyFile = pemFile("SSLCertificateKeyFile");
export const SSLCertificateChainFile = pemFile("SSLCertificateChainFile");

/** The TLS versions Node speaks, oldest first; `SSLProtocol` picks a contiguous range of them. */
const TLS_VERSIONS = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"] as const;
export type TlsVersion = (typeof TLS_VERSIONS)[number];

export interface TlsVersionRange {
  readonly min: TlsVersion;
  readonly max: TlsVersion;
}

/**
 * `SSLProtocol [+|-]protocol ...` as mod_ssl reads it: `all`, `SSLv3` (accepted, never spoken:
 * OpenSSL in Node has no SSLv3), `TLSv1`, `TLSv1.1`, `TLSv1.2`, `TLSv1.3`; a word without a sign
 * starts the set afresh. Node takes a range, so the enabled versions must be contiguous.
 */
export const SSLProtocol = directive<TlsVersionRange>({
  name: "SSLProtocol",
  context: "server",
  args: [1, Infinity],
  parse(words) {
    const on = new Set<TlsVersion>();
    for (const w of words) {
      const sign = w[0] === "+" || w[0] === "-" ? w[0] : "";
      const name = w.slice(sign.length);
      const picked: readonly TlsVersion[] | undefined =
        name.toLowerCase() === "all" ? TLS_VERSIONS : name.toLowerCase() === "sslv3" ? [] : TLS_VERSIONS.filter((v) => v.toLowerCase() === name.toLowerCase());
      if (picked.length === 0 && name.toLowerCase() !== "sslv3") throw new Error(`unknown protocol '${name}' (all, TLSv1, TLSv1.1, TLSv1.2, TLSv1.3)`);
      if (!sign) on.clear();
      for (const v of picked) sign === "-" ? on.delete(v) : on.add(v);
    }
    const enabled = TLS_VERSIONS.filter((v) => on.has(v));
    if (enabled.length === 0) throw new Error("no protocol left enabled");
    const first = TLS_VERSIONS.indexOf(enabled[0]);
    if (enabled.some((v, i) => TLS_VERSIONS.indexOf(v) !== first + i)) throw new Error(`the enabled protocols must be contiguous (${enabled.join(" ")} leaves a gap)`);
    return { min: enabled[0], max: enabled[enabled.length - 1] };
  },
});

/** Cipher lists by protocol: `SSLCipherSuite SPEC` (TLS 1.2 and older) or `SSLCipherSuite TLSv1.3 SPEC`. */
export interface CipherSuites {
  readonly tls12?: string;
  readonly tls13?: string;
}

export const SSLCipherSuite = directive<CipherSuites>({
  name: "SSLCipherSuite",
  context: "server",
  args: [1, 2],
  parse(args) {
    if (args.length === 1) return { tls12: args[0] };
    const [protocol, spec] = args;
    if (/^ssl$/i.test(protocol)) return { tls12: spec };
    if (/^tlsv1\.3$/i.test(protocol)) return { tls13: spec };
    throw new Error(`unknown protocol '${protocol}' (SSL or TLSv1.3)`);
  },
  combine: (a, b) => ({ ...a, ...b }),
});

/** mod_http2's protocol names, in the order the server prefers them. */
const PROTOCOL_NAMES = ["h2", "h2c", "http/1.1"];

export const Protocols = directive<string[]>({
  name: "Protocols",
  context: "server",
  args: [1, Infinity],
  parse(words) {
    const names = words.map((w) => w.toLowerCase());
    const bad = names.find((n) => !PROTOCOL_NAMES.includes(n));
    if (bad) throw new Error(`unknown protocol '${bad}' (h2, h2c, http/1.1)`);
    return names;
  },
  combine: appendList,
});

export const TLS_DIRECTIVES: readonly DirectiveSpec<any>[] = [SSLEngine, SSLCertificateFile, SSLCertificateKeyFile, SSLCertificateChainFile, SSLProtocol, SSLCipherSuite, Protocols];
