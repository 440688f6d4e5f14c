/*
 * TLS (mod_ssl's directives): HTTPS with certificates made by openssl, two names chosen by SNI,
 * certificates re-read on reload without dropping an open connection, and one-line errors for
 * certificates that cannot be used.
 */
import * as fs from "node:fs";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import type { TLSSocket } from "node:tls";
import { makeCert, type TestCert } from "../helpers/certs";
import { ConfigErrors } from "../../platform/errors";
import { loadConfig } from "../helpers/config";
import { startSite, writeTree, type TestSite } from "../helpers/site";

const handler = `import { OK, type Request } from "tsmod";
export async function handler(req: Request): Promise<number> {
  await req.write(\`\${req.server.serverHostname} https=\${req.isHttps()} url=\${req.constructUrl("/x")}\`);
  return OK;
}
`;

interface TlsReply {
  readonly status: number;
  readonly body: string;
  readonly peerCN: string;
  readonly socket: TLSSocket;
}

function get(port: number, servername: string, ca: string[], agent: https.Agent | false = false, pathname = "/"): Promise<TlsReply> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: "127.0.0.1", port, servername, path: pathname, ca, agent, headers: { host: `${servername}:${port}` } }, (res) => {
      const socket = res.socket as TLSSocket;
      const peerCN = String(socket.getPeerCertificate().subject.CN);
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, peerCN, socket }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("TLS virtual hosts chosen by SNI", () => {
  let site: TestSite;
  let a: TestCert;
  let b: TestCert;
  const certDir = fs.mkdtempSync(path.join(os.tmpdir(), "tsmod-certs-"));
  beforeAll(async () => {
    a = makeCert(certDir, "a.test");
    b = makeCert(certDir, "b.test");
    site = await startSite(
      `Listen 127.0.0.1:0 https
<VirtualHost *>
  ServerName a.test
  SSLEngine on
  SSLCertificateFile ${a.cert}
  SSLCertificateKeyFile ${a.key}
  SSLProtocol -all +TLSv1.2 +TLSv1.3
  SetHandler tsmod
  TsHandler app/show
</VirtualHost>
<VirtualHost *>
  ServerName b.test
  SSLEngine on
  SSLCertificateFile ${b.cert}
  SSLCertificateKeyFile ${b.key}
  SetHandler tsmod
  TsHandler app/show
</VirtualHost>`,
      { "app/show.ts": handler },
    );
  });
  afterAll(async () => {
    await site.close();
    fs.rmSync(certDir, { recursive: true, force: true });
  });

  test("the server prints an https URL and answers over TLS with req.isHttps()", async () => {
    expect(site.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const r = await get(site.port, "a.test", [a.pem]);
    expect(r.status).toBe(200);
    expect(r.peerCN).toBe("a.test");
    expect(r.body).toBe(`a.test https=true url=https://a.test:${site.port}/x`);
  });

  test("each name gets its own certificate by SNI", async () => {
    const r = await get(site.port, "b.test", [b.pem]);
    expect(r.peerCN).toBe("b.test");
    expect(r.body).toContain("b.test https=true");
  });

  test("a reload re-reads the certificate files; an open connection keeps working", async () => {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    const first = await get(site.port, "a.test", [a.pem], agent);
    const renewed = makeCert(path.join(certDir, "renewed"), "a.test");
    fs.copyFileSync(renewed.cert, a.cert);
    fs.copyFileSync(renewed.key, a.key);
    expect(await site.server.reload()).toBe(true);
    // The kept-alive connection still answers, with the certificate it was opened with.
    const again = await get(site.port, "a.test", [a.pem], agent);
    expect(again.socket).toBe(first.socket);
    expect(again.status).toBe(200);
    agent.destroy();
    // A new connection gets the renewed certificate (trusted only by its own PEM).
    const fresh = await get(site.port, "a.test", [renewed.pem]);
    expect(fresh.socket.getPeerCertificate().fingerprint256).toBe(new (require("node:crypto").X509Certificate)(renewed.pem).fingerprint256);
    a = renewed;
  });
});

/** Errors with their full `FILE:LINE`. */
function errorsOf(file: string): string[] {
  try {
    loadConfig(file);
  } catch (e) {
    if (e instanceof ConfigErrors) return e.errors.map((x) => x.message);
    throw e;
  }
  return [];
}

describe("certificate problems are one-line errors at load", () => {
  const dir = writeTree({});
  const good = makeCert(dir, "good.test");
  const other = makeCert(path.join(dir, "other"), "other.test");
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const conf = (lines: string) => {
    const file = path.join(dir, "tsmod.conf");
    fs.writeFileSync(file, `Listen 127.0.0.1:0 https\n<VirtualHost *>\nServerName x.test\nSSLEngine on\n${lines}\n</VirtualHost>\n`);
    return file;
  };

  test("a missing certificate file", () => {
    const errors = errorsOf(conf(`SSLCertificateFile ${dir}/nope.crt\nSSLCertificateKeyFile ${good.key}`));
    expect(errors).toEqual([`${dir}/tsmod.conf:5: SSLCertificateFile: cannot read '${dir}/nope.crt': no such file`]);
  });

  test("a key that does not belong to the certificate", () => {
    const errors = errorsOf(conf(`SSLCertificateFile ${good.cert}\nSSLCertificateKeyFile ${other.key}`));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(new RegExp(`^${dir}/tsmod.conf:6: the certificate .* are not usable: .*key values mismatch`));
  });

  test("SSLEngine on without a certificate, and Listen https without a TLS server", () => {
    expect(errorsOf(conf(""))).toEqual([`${dir}/tsmod.conf:2: SSLEngine on needs an SSLCertificateFile`]);
    const file = path.join(dir, "plain.conf");
    fs.writeFileSync(file, "Listen 127.0.0.1:0 https\nServerName x.test\n");
    expect(errorsOf(file)).toEqual([`${file}:1: Listen 127.0.0.1:0 https: no server on that address has SSLEngine on`]);
  });

  test("SSLProtocol must leave a contiguous range", () => {
    const errors = errorsOf(conf(`SSLCertificateFile ${good.cert}\nSSLCertificateKeyFile ${good.key}\nSSLProtocol -all +TLSv1 +TLSv1.3`));
    expect(errors[0]).toMatch(/:7: SSLProtocol: .*contiguous/);
  });
});
