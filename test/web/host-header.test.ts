/*
 * req.hostname and req.port come from the Host header the client sent (Apache's
 * UseCanonicalName Off): a name with or without a port, an IPv6 literal, and, when the header
 * is malformed, the virtual host's ServerName with the port the connection came in on.
 */
import { rawExchange } from "../helpers/raw-http";
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
  ["example.com:80a", "canonical.test|LOCAL"],
  ["example.com:-1", "canonical.test|LOCAL"],
  ["exa]mple.com:81", "canonical.test|LOCAL"],
])("Host: %s gives %s", async (host, expected) => {
  expect(await seen(host)).toBe(expected.replace("LOCAL", String(site.port)));
});
