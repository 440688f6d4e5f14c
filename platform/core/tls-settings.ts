import type * as Tls from "node:tls";
import { lazyModule } from "../lazy-module";
import type { ConfigValues } from "../config";
import { SSLCertificateChainFile, SSLCertificateFile, SSLCertificateKeyFile, SSLCipherSuite, SSLEngine, SSLProtocol, type PemFile, type TlsVersionRange } from "./tls-directives";

/** Loaded by the first TLS server: a plain HTTP site never pays for it. */
const tls = lazyModule<typeof Tls>("node:tls");

/** A server's TLS settings (`SSLEngine on`), read at load; the certificate files' contents are in them. */
export interface TlsSettings {
  readonly cert: PemFile | undefined;
  readonly key: PemFile | undefined;
  readonly chain: PemFile | undefined;
  readonly versions: TlsVersionRange | undefined;
  readonly ciphers: string | undefined;
}

export function tlsSettings(values: ConfigValues): TlsSettings | null {
  if (values.get(SSLEngine) !== true) return null;
  const suites = values.get(SSLCipherSuite);
  const ciphers = suites ? [suites.tls13, suites.tls12].filter(Boolean).join(":") : undefined;
  return {
    cert: values.get(SSLCertificateFile),
    key: values.get(SSLCertificateKeyFile),
    chain: values.get(SSLCertificateChainFile),
    versions: values.get(SSLProtocol),
    ciphers,
  };
}

/** Where a TLS problem is reported: the directive's own line. */
export interface TlsProblem {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

/**
 * Node's secure-context options for a server's settings. Without `SSLCertificateKeyFile` the key
 * is looked for in the certificate file, as mod_ssl does.
 */
export function secureContextOptions(t: TlsSettings): Tls.SecureContextOptions {
  const cert = t.chain ? `${t.cert?.pem ?? ""}\n${t.chain.pem}` : t.cert?.pem;
  return {
    cert,
    key: (t.key ?? t.cert)?.pem,
    minVersion: t.versions?.min,
    maxVersion: t.versions?.max,
    ciphers: t.ciphers,
  };
}

/**
 * What is wrong with a server's TLS settings, found by building its context once at load: a
 * missing certificate, a key that does not match it, an unknown cipher, a version range
 * OpenSSL refuses. Null when it is sound.
 */
export function tlsProblem(t: TlsSettings, server: { file: string; line: number }): TlsProblem | null {
  if (!t.cert) return { ...server, message: "SSLEngine on needs an SSLCertificateFile" };
  if (!t.key && !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(t.cert.pem)) {
    return { file: t.cert.configFile, line: t.cert.line, message: `SSLCertificateFile: '${t.cert.file}' holds no private key and no SSLCertificateKeyFile is set` };
  }
  try {
    tls().createSecureContext(secureContextOptions(t));
    return null;
  } catch (e) {
    const at = t.key ?? t.cert;
    const message = (e as Error).message.split("\n")[0];
    return { file: at.configFile, line: at.line, message: `the certificate ${t.cert.file}${t.key ? ` and key ${t.key.file}` : ""} are not usable: ${message}` };
  }
}
