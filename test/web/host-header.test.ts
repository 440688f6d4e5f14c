/*
 * req.hostname and req.port come from the Host header the client sent (Apache's
 * UseCanonicalName Off): a name with or without a port, an IPv6 literal; without a name, the
 * virtual host's ServerName with the port the connection came in on. A malformed Host header,
 * or more than one, is a 400 (Apache's HttpProtocolOptions Strict).
 */
import { rawExchange, statusOf } from "../helpers/raw-http";
import { startSite, type TestSite } from "../helpers/site";

const files = {
  "app/where.ts": `import { OK, type Request } from "tsmod";
export async function handler(req: Request): Promise<number> {
  await req.write(\`[\${req.hostname}|\${req.port}]\`);
  return OK;
}
`,
};

const config = `ServerName canonical.test
DocumentRoot @DIR@
<Location /where>
  SetHandler tsmod
  TsHandler app/where
</Location>`;

let site: TestSite;
beforeAll(async () => {
  site = await startSite(config, files);
});
afterAll(() => site.close());

async function seen(host: string): Promise<string> {
  const { text } = await rawExchange(site.port, `GET /where HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
  return /\[(.*)\]$/.exec(text)?.[1] ?? text;
}

test.each([
  ["example.com:8080", "example.com|8080"],
  ["example.com", "example.com|LOCAL"],
  ["example.com:", "example.com|LOCAL"],
  ["example.com:0080", "example.com|80"],
  ["[::1]:9000", "::1|9000"],
  ["[::1]", "::1|LOCAL"],
  ["[2001:DB8::1]:443", "2001:DB8::1|443"],
  ["", "canonical.test|LOCAL"],
  ["my_host-1.Example.COM", "my_host-1.Example.COM|LOCAL"],
  ["example.com.", "example.com.|LOCAL"],
  ["10.0.0.1:65535", "10.0.0.1|65535"],
  ["localhost", "localhost|LOCAL"],
])("Host: %s gives %s", async (host, expected) => {
  expect(await seen(host)).toBe(expected.replace("LOCAL", String(site.port)));
});

test.each([
  "evil.example/x?",
  "evil.example\\x",
  "user@evil.example",
  "%65vil.example",
  "exa]mple.com:81",
  "example.com:80a",
  "example.com:-1",
  "example.com:65536",
  "a..b",
  "12345",
  "1.2.3.4.5",
  "01.2.3.4",
  "256.1.1.1",
  "example.1com",
  "[::1",
  "[::1]x",
  "[fe80::1%25eth0]",
  "[not:an:address]",
  ":80",
  "a b",
])("Host: %s is a 400, and the connection closes", async (host) => {
  const { text, closed } = await rawExchange(site.port, `GET /where HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
  expect(statusOf(text)).toBe(400);
  expect(text).toContain("is not a valid host name");
  expect(closed).toBe(true);
});

test("two Host headers are a 400", async () => {
  const { text } = await rawExchange(site.port, "GET /where HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\nConnection: close\r\n\r\n");
  expect(statusOf(text)).toBe(400);
  expect(text).toContain("more than one Host header");
});
