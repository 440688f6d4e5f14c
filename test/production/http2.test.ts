/*
 * HTTP/2 (mod_http2's `Protocols`): over TLS by ALPN, and in cleartext with prior knowledge
 * (h2c), through the same Request API, phases, filters, forms and access log as HTTP/1.1.
 * A stream the client resets is an aborted request: its handler sees it, the server serves on.
 */
import * as fs from "node:fs";
import * as http2 from "node:http2";
import * as https from "node:https";
import * as path from "node:path";
import { makeCert, type TestCert } from "../helpers/certs";
import { request, startSite, waitFor, writeTree, type TestSite } from "../helpers/site";

const APP = `import { OK, type Filter, type Request } from "tsmod";
export async function handler(req: Request): Promise<number> {
  if (req.uri === "/form") {
    const form = await req.form();
    const out: unknown[] = [];
    for (const f of form) out.push("filename" in f ? [f.name, f.filename, f.size] : [f.name, f.value]);
    await req.write(JSON.stringify(out));
    return OK;
  }
  if (req.uri === "/slow") {
    req.registerCleanup(() => { aborted.push(req.connection.aborted); });
    await new Promise((r) => setTimeout(r, 300));
    await req.write("late");
    return OK;
  }
  req.contentType = "text/plain";
  req.headersOut.set("Keep-Alive", "timeout=5");
  await req.write(\`\${req.protocol} https=\${req.isHttps()} host=\${req.headersIn.get("host")} \${req.method} \${req.uri}?\${req.args}\`);
  return OK;
}
export const aborted: boolean[] = [];
export async function status(req: Request): Promise<number> {
  await req.write(JSON.stringify(aborted));
  return OK;
}
export async function upper(filter: Filter) {
  for await (const chunk of filter) await filter.write(chunk.toString("latin1").toUpperCase());
}
`;

interface H2Reply {
  readonly status: number;
  readonly headers: http2.IncomingHttpHeaders;
  readonly body: string;
}

function h2request(client: http2.ClientHttp2Session, headers: http2.OutgoingHttpHeaders, body?: string | Buffer): Promise<H2Reply> {
  return new Promise((resolve, reject) => {
    const stream = client.request(headers);
    let status = 0;
    let got: http2.IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    stream.on("response", (h) => {
      got = h;
      status = Number(h[":status"]);
    });
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => resolve({ status, headers: got, body: Buffer.concat(chunks).toString("latin1") }));
    stream.on("error", reject);
    stream.end(body);
  });
}

function config(listen: string, tls: string, protocols: string, accessLog: string): string {
  return `${listen}
ServerName h2.test
DocumentRoot @DIR@/htdocs
${tls}
Protocols ${protocols}
LogFormat "%h \\"%r\\" %>s %b" common
CustomLog ${accessLog} common
TsOutputFilter app/app::upper UPPER
<Location />
  SetHandler tsmod
  TsHandler app/app
</Location>
<Location /up>
  SetOutputFilter UPPER
</Location>
<Location /aborted>
  TsHandler app/app::status
</Location>`;
}

function describeH2(name: string, setUp: (dir: string) => { listen: string; tls: string; protocols: string; connect: (site: TestSite) => http2.ClientHttp2Session; https: boolean; authority: string; http1: (site: TestSite) => Promise<string> }) {
  describe(name, () => {
    let site: TestSite;
    let client: http2.ClientHttp2Session;
    const dir = writeTree({ "app/app.ts": APP, "htdocs/.keep": "" });
    const accessLog = path.join(dir, "access.log");
    const mode = setUp(dir);
    beforeAll(async () => {
      site = await startSite(config(mode.listen, mode.tls, mode.protocols, accessLog), {}, dir);
      client = mode.connect(site);
    });
    afterAll(async () => {
      client.close();
      await site.close();
    });

    test("GET: the same Request API, the host from :authority, connection headers dropped", async () => {
      const r = await h2request(client, { ":path": "/hello?a=1" });
      expect(r.status).toBe(200);
      expect(r.body).toBe(`HTTP/2.0 https=${mode.https} host=${mode.authority}:${site.port} GET /hello?a=1`);
      expect(r.headers["keep-alive"]).toBeUndefined();
      await waitFor(() => fs.existsSync(accessLog) && fs.readFileSync(accessLog, "utf8").includes('"GET /hello?a=1 HTTP/2.0" 200'));
    });

    test("POST: a urlencoded form and a multipart upload", async () => {
      const form = await h2request(client, { ":method": "POST", ":path": "/form", "content-type": "application/x-www-form-urlencoded" }, "a=1&b=two");
      expect(JSON.parse(form.body)).toEqual([
        ["a", "1"],
        ["b", "two"],
      ]);
      const data = Buffer.alloc(300_000, 7);
      const multipart = Buffer.concat([
        Buffer.from('--B\r\nContent-Disposition: form-data; name="f"; filename="x.bin"\r\nContent-Type: application/octet-stream\r\n\r\n'),
        data,
        Buffer.from("\r\n--B--\r\n"),
      ]);
      const up = await h2request(client, { ":method": "POST", ":path": "/form", "content-type": "multipart/form-data; boundary=B" }, multipart);
      expect(JSON.parse(up.body)).toEqual([["f", "x.bin", data.length]]);
    });

    test("an output filter", async () => {
      const r = await h2request(client, { ":path": "/up" });
      expect(r.body).toBe(`HTTP/2.0 HTTPS=${String(mode.https).toUpperCase()} HOST=${mode.authority.toUpperCase()}:${site.port} GET /UP?NULL`);
    });

    test("a stream reset by the client is an aborted request; the session serves on", async () => {
      const stream = client.request({ ":path": "/slow" });
      stream.on("error", () => undefined);
      await new Promise((r) => setTimeout(r, 50));
      stream.close(http2.constants.NGHTTP2_CANCEL);
      const until = Date.now() + 3000;
      let seen = "[]";
      while (seen === "[]" && Date.now() < until) {
        seen = (await h2request(client, { ":path": "/aborted" })).body;
        if (seen === "[]") await new Promise((r) => setTimeout(r, 50));
      }
      expect(seen).toBe("[true]");
      expect((await h2request(client, { ":path": "/x" })).status).toBe(200);
    });

    test("HTTP/1.1 is still spoken on the same port", async () => {
      expect(await mode.http1(site)).toContain(`HTTP/1.1 https=${mode.https}`);
    });
  });
}

let cert: TestCert;
describeH2("HTTP/2 over TLS (ALPN h2)", (dir) => {
  cert = makeCert(dir, "localhost");
  return {
    listen: "Listen 127.0.0.1:0 https",
    tls: `SSLEngine on\nSSLCertificateFile ${cert.cert}\nSSLCertificateKeyFile ${cert.key}`,
    protocols: "h2 http/1.1",
    connect: (site) => http2.connect(`https://127.0.0.1:${site.port}`, { ca: cert.pem, servername: "localhost" }),
    https: true,
    authority: "localhost",
    http1: (site) =>
      new Promise((resolve, reject) => {
        https
          .get({ host: "127.0.0.1", port: site.port, path: "/one", ca: cert.pem, servername: "localhost", agent: false }, (res) => {
            let body = "";
            res.on("data", (c: Buffer) => (body += c.toString()));
            res.on("end", () => resolve(body));
          })
          .on("error", reject);
      }),
  };
});

describeH2("HTTP/2 in cleartext (h2c, prior knowledge)", () => ({
  listen: "Listen 127.0.0.1:0",
  tls: "",
  protocols: "h2c http/1.1",
  connect: (site) => http2.connect(`http://127.0.0.1:${site.port}`),
  https: false,
  authority: "127.0.0.1",
  http1: async (site) => (await request(site, "/one")).body,
}));
