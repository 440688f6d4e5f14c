/*
 * Features meeting each other: a published module edited while the server runs (reloader +
 * publisher), and an output filter on a proxied backend's response (filters + proxy).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { gunzipSync } from "node:zlib";
import { startBackend, type Backend } from "../proxy/backend";
import { request, startSite, type TestSite } from "../helpers/site";

describe("a published module is reloaded when edited", () => {
  let site: TestSite;
  const module = (word: string) => `export function hello(name: string): string { return "${word}, " + name; }\n`;
  beforeAll(async () => {
    site = await startSite(
      `ServerName pub.reload
DocumentRoot @DIR@/htdocs
<Directory @DIR@/htdocs>
  SetHandler tsmod
  TsHandler tsmod/publisher
</Directory>`,
      { "htdocs/app.ts": module("hello") },
    );
  });
  afterAll(() => site.close());

  test("the next request after an edit calls the new function", async () => {
    expect((await request(site, "/app/hello?name=bob")).body).toBe("hello, bob");
    fs.writeFileSync(path.join(site.dir, "htdocs/app.ts"), module("howdy"));
    const deadline = Date.now() + 3000;
    let body = "";
    while (Date.now() < deadline) {
      body = (await request(site, "/app/hello?name=bob")).body;
      if (body === "howdy, bob") break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(body).toBe("howdy, bob");
  });
});

describe("output filters apply to proxied responses", () => {
  let site: TestSite;
  let backend: Backend;
  const text = "proxied text ".repeat(200);
  beforeAll(async () => {
    backend = await startBackend((_req, res) => {
      res.setHeader("Content-Type", "text/plain");
      res.end(text);
    });
    site = await startSite(
      `ServerName proxy.filter
DocumentRoot @DIR@/htdocs
TsOutputFilter app/upper UPPER
<Location /up>
  ProxyPass ${backend.url}/
  SetOutputFilter UPPER
</Location>
<Location /gz>
  ProxyPass ${backend.url}/
  SetOutputFilter GZIP
</Location>
TsOutputFilter tsmod/filters/gzip GZIP`,
      {
        "htdocs/.keep": "",
        "app/upper.ts": `import type { Filter } from "tsmod";
export async function outputfilter(filter: Filter): Promise<void> {
  for await (const chunk of filter) await filter.write(chunk.toString("latin1").toUpperCase());
}
`,
      },
    );
  });
  afterAll(async () => {
    await site.close();
    await backend.close();
  });

  test("a TypeScript filter rewrites the backend's body", async () => {
    const r = await request(site, "/up/x");
    expect(r.status).toBe(200);
    expect(r.body).toBe(text.toUpperCase());
  });

  test("the gzip filter compresses the backend's body", async () => {
    const r = await request(site, "/gz/x", { headers: { "accept-encoding": "gzip" } });
    expect(r.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(r.raw).toString()).toBe(text);
  });
});
