import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export interface TestCert {
  readonly cert: string;
  readonly key: string;
  /** The PEM of the certificate, for a client's `ca`. */
  readonly pem: string;
}

/** A self-signed certificate for `name` (an EC key: quick to make), written into `dir` by openssl. */
export function makeCert(dir: string, name: string): TestCert {
  const cert = path.join(dir, `${name}.crt`);
  const key = path.join(dir, `${name}.key`);
  fs.mkdirSync(dir, { recursive: true });
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", `/CN=${name}`, "-addext", `subjectAltName=DNS:${name}`, "-keyout", key, "-out", cert],
    { stdio: "pipe" },
  );
  return { cert, key, pem: fs.readFileSync(cert, "utf8") };
}
