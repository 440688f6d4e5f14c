/*
 * What a handler module does never takes the server down, and the shapes that used to fail
 * now work: a TypeScript `private` method reached through the publisher (403), dotted handler
 * names that need their `this` (static methods, instance methods, methods of exported objects),
 * and relative imports the way TypeScript writes them (`.json`, `./dep.js` naming `dep.ts`,
 * `.mts`/`.cts`). After every case the server still answers a plain request.
 */
import { request, startSite, type TestSite } from "../helpers/site";

const files = {
  "app/ok.ts": `import { OK, type Request } from "tsmod";
export async function handler(req: Request) { await req.write("alive"); return OK; }
`,
  // Item 12: members TypeScript hides.
  "pub/shop.ts": `class Shop {
  private pin = "1234";
  open() { return "open"; }
  private secretMethod() { return "secret " + this.pin; }
  protected guarded() { return "guarded"; }
  #hidden() { return "hidden"; }
  private helper = () => "private arrow";
}
export const shop = new Shop();
`,
  // Item 16: dotted handler names.
  "app/dotted.ts": `import { OK, type Request } from "tsmod";
export class Page {
  private readonly who: string;
  constructor(req: Request) { this.who = req.uri; }
  async render(req: Request) { await req.write("instance " + this.who); return OK; }
}
export class Tools {
  static label = "static";
  static async run(req: Request) { await req.write(this.label + " " + req.uri); return OK; }
}
class Counter {
  n = 0;
  async bump(req: Request) { this.n++; await req.write("object " + this.n); return OK; }
}
export const counter = new Counter();
`,
  // Item 17: imports written the way TypeScript and Node write them.
  "app/imports.ts": `import { OK, type Request } from "tsmod";
import data from "./data.json";
import { named } from "./dep.js";
import { fromMts } from "./esm.mjs";
import { fromCts } from "./common.cjs";
import { bare } from "./bare";
export async function handler(req: Request) {
  await req.write([data.name, named, fromMts, fromCts, bare].join(","));
  return OK;
}
`,
  "app/data.json": `{ "name": "json" }`,
  "app/dep.ts": `export const named: string = "dep.ts";\n`,
  "app/esm.mts": `export const fromMts: string = "esm.mts";\n`,
  "app/common.cts": `export const fromCts: string = "common.cts";\n`,
  "app/bare.cts": `export const bare: string = "bare.cts";\n`,
};

const config = `ServerName robust-handlers.test
DocumentRoot @DIR@/htdocs
LogLevel info
<Location /ok>
  SetHandler tsmod
  TsHandler app/ok
</Location>
<Directory @DIR@/pub>
  SetHandler tsmod
  TsHandler tsmod/publisher
</Directory>
Alias /pub @DIR@/pub
<Location /page>
  SetHandler tsmod
  TsHandler app/dotted::Page.render
</Location>
<Location /static>
  SetHandler tsmod
  TsHandler app/dotted::Tools.run
</Location>
<Location /object>
  SetHandler tsmod
  TsHandler app/dotted::counter.bump
</Location>
<Location /imports>
  SetHandler tsmod
  TsHandler app/imports
</Location>`;

let site: TestSite;
beforeAll(async () => {
  site = await startSite(config, files);
});
afterAll(() => site.close());

afterEach(async () => {
  const r = await request(site, "/ok");
  expect(r.status).toBe(200);
  expect(r.body).toBe("alive");
});

describe("publisher: members TypeScript declares private or protected are not published", () => {
  test("a public method of the same instance is", async () => {
    const r = await request(site, "/pub/shop/shop/open");
    expect([r.status, r.body]).toEqual([200, "open"]);
  });

  test.each(["secretMethod", "guarded", "helper"])("%s: 403, and the method does not run", async (name) => {
    const r = await request(site, `/pub/shop/shop/${name}`);
    expect(r.status).toBe(403);
    expect(r.body).not.toMatch(/secret 1234|guarded|private arrow/);
  });

  test("a #private method is no member at all: 404", async () => {
    const r = await request(site, "/pub/shop/shop/%23hidden");
    expect(r.status).toBe(404);
    expect(r.body).not.toContain("hidden");
  });
});

describe("dotted handler names call the method on what it was reached through", () => {
  test("Class.method: an instance made with new Class(req)", async () => {
    const r = await request(site, "/page");
    expect([r.status, r.body]).toEqual([200, "instance /page"]);
  });

  test("Class.staticMethod: this is the class", async () => {
    const r = await request(site, "/static");
    expect([r.status, r.body]).toEqual([200, "static /static"]);
  });

  test("object.method: this is the exported object, whose state persists", async () => {
    const first = await request(site, "/object");
    const second = await request(site, "/object");
    expect([first.status, first.body, second.body]).toEqual([200, "object 1", "object 2"]);
  });
});

describe("relative imports resolve as TypeScript resolves them", () => {
  test(".json data, ./dep.js naming dep.ts, .mjs naming .mts, .cjs naming .cts, a bare name finding .cts", async () => {
    const r = await request(site, "/imports");
    expect([r.status, r.body]).toEqual([200, "json,dep.ts,esm.mts,common.cts,bare.cts"]);
  });
});
