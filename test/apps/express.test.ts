/*
 * An Express 5 app mounted with TsAppAlias: routing below the mount, JSON POST, the app's real
 * status and bytes in the access log, Header and gzip applied to its responses, Basic auth in
 * front (the app sees the user), HEAD, LimitRequestBody, and a reload after an edit.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { request, waitFor, type TestSite } from "../helpers/site";
import { AUTH_MODULE, basic, startAppSite, accessLogLines } from "./app-site";

const APP = (greeting: string) => `import express from "express";
import { tsmodRequest } from "tsmod";
const app = express();
app.use(express.json());
app.get("/", (req, res) => res.send("${greeting} root " + req.url + " " + req.originalUrl));
app.get("/items/:id", (req, res) => res.json({ id: req.params.id, query: req.query, url: req.url }));
app.post("/items", (req, res) => res.status(201).json({ created: req.body }));
app.get("/whoami", (req, res) => res.json({ user: tsmodRequest(req)?.user ?? null, pathInfo: tsmodRequest(req)?.pathInfo }));
app.get("/big", (req, res) => res.type("text/plain").send("compressible text ".repeat(2000)));
app.get("/boom", () => { throw new Error("express route failed"); });
app.post("/echo-size", async (req, res) => {
  let n = 0;
  for await (const chunk of req) n += chunk.length;
  res.json({ n });
});
export default app;
`;

let site: TestSite;
const accessLog = () => accessLogLines(site);

beforeAll(async () => {
  site = await startAppSite(
    `
DocumentRoot @DIR@/htdocs
LogFormat "%m %U %>s %B %u" apps
CustomLog @DIR@/logs/access.log apps
TsOutputFilter tsmod/filters/gzip GZIP
TsAppAlias /shop @DIR@/app.ts
<Location /shop>
  Header set X-Served-By tsmod
  SetOutputFilter GZIP
  LimitRequestBody 1000
</Location>
<Location /shop/whoami>
  AuthType Basic
  AuthName shop
  TsAuthenHandler @DIR@/auth.ts
  Require user bob
</Location>
`,
    { "app.ts": APP("hello"), "auth.ts": AUTH_MODULE, "htdocs/index.html": "docroot", "logs/.keep": "" },
  );
});

afterAll(() => site.close());

describe("Express 5 under TsAppAlias", () => {
  test("the app routes on the path below the mount; originalUrl is the whole one", async () => {
    const r = await request(site, "/shop/");
    expect(r.status).toBe(200);
    expect(r.body).toBe("hello root / /shop/");
    const bare = await request(site, "/shop");
    expect(bare.body).toBe("hello root / /shop");
    const item = await request(site, "/shop/items/a%20b?x=1");
    expect(JSON.parse(item.body)).toEqual({ id: "a b", query: { x: "1" }, url: "/items/a%20b?x=1" });
    // Outside the mount, the site is served as before.
    expect((await request(site, "/index.html")).body).toBe("docroot");
    expect((await request(site, "/shopping")).status).toBe(404);
  });

  test("JSON POST; the app's status and byte count reach the access log", async () => {
    const r = await request(site, "/shop/items", { body: JSON.stringify({ name: "pen" }), headers: { "content-type": "application/json" } });
    expect(r.status).toBe(201);
    expect(JSON.parse(r.body)).toEqual({ created: { name: "pen" } });
    await waitFor(() => accessLog().some((l) => l.startsWith("POST /shop/items ")));
    expect(accessLog().find((l) => l.startsWith("POST /shop/items "))).toBe(`POST /shop/items 201 ${r.raw.length} -`);
    const boom = await request(site, "/shop/boom");
    expect(boom.status).toBe(500);
    await waitFor(() => accessLog().some((l) => l.startsWith("GET /shop/boom ")));
    expect(accessLog().find((l) => l.startsWith("GET /shop/boom "))).toMatch(/^GET \/shop\/boom 500 [1-9]\d* -$/);
  });

  test("Header rules and the gzip output filter apply to the app's responses; HEAD has no body", async () => {
    const r = await request(site, "/shop/big", { headers: { "accept-encoding": "gzip" } });
    expect(r.headers["x-served-by"]).toBe("tsmod");
    expect(r.headers["content-encoding"]).toBe("gzip");
    expect(zlib.gunzipSync(r.raw).toString()).toBe("compressible text ".repeat(2000));
    const head = await request(site, "/shop/items/1", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
    expect(head.headers["content-type"]).toMatch(/application\/json/);
  });

  test("Basic auth and Require run in front; the app sees the user", async () => {
    expect((await request(site, "/shop/whoami")).status).toBe(401);
    // A user the Require lines refuse may log in again as another: 401, as Apache answers.
    expect((await request(site, "/shop/whoami", { headers: { authorization: basic("carol") } })).status).toBe(401);
    const r = await request(site, "/shop/whoami", { headers: { authorization: basic("bob") } });
    expect(JSON.parse(r.body)).toEqual({ user: "bob", pathInfo: "/whoami" });
    await waitFor(() => accessLog().some((l) => l === "GET /shop/whoami 200 " + r.raw.length + " bob"));
  });

  test("request bodies stream to the app; LimitRequestBody holds for chunked bodies too", async () => {
    const ok = await request(site, "/shop/echo-size", { body: "x".repeat(900) });
    expect(JSON.parse(ok.body)).toEqual({ n: 900 });
    const declared = await request(site, "/shop/echo-size", { body: "x".repeat(2000) });
    expect(declared.status).toBe(413);
    const chunked = await request(site, "/shop/echo-size", { body: "x".repeat(2000), headers: { "transfer-encoding": "chunked" } });
    expect(chunked.status).toBe(413);
  });

  test("an edit of the app reloads it (TsAutoReload)", async () => {
    const file = path.join(site.dir, "app.ts");
    fs.writeFileSync(file, APP("bonjour"));
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(file, later, later);
    let body = "";
    for (let i = 0; i < 100 && !body.startsWith("bonjour"); i++) {
      body = (await request(site, "/shop/")).body;
      if (!body.startsWith("bonjour")) await new Promise((r) => setTimeout(r, 50));
    }
    expect(body).toBe("bonjour root / /shop/");
  });
});
