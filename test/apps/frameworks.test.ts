/*
 * Fastify 5, Koa and Hono (fetch-style, and as an @hono/node-server listener) mounted with
 * TsAppAlias; a WebSocket echo through an Express app's `upgrade` export (ws).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import WebSocket from "ws";
import { request, waitFor, type TestSite } from "../helpers/site";
import { AUTH_MODULE, basic, startAppSite, accessLogLines } from "./app-site";

const FASTIFY = `import Fastify from "fastify";
const app = Fastify();
app.get("/hello/:name", async (req) => ({ hello: (req.params as any).name, url: req.url }));
app.post("/things", async (req, reply) => { reply.code(202); return { got: req.body }; });
export default app;
`;

const KOA = `import Koa from "koa";
import { tsmodRequest } from "tsmod";
const app = new Koa();
app.use(async (ctx) => {
  if (ctx.path === "/teapot") { ctx.status = 418; ctx.body = "short and stout"; return; }
  ctx.body = { path: ctx.path, user: tsmodRequest(ctx.req)?.user ?? null };
});
export const koa = app;
`;

const HONO = `import { Hono } from "hono";
const app = new Hono();
app.get("/", (c) => c.text("hono root"));
app.get("/env", (c) => c.json({ user: (c.env as any).user, mount: (c.env as any).mountPath, url: new URL(c.req.url).pathname }));
app.post("/json", async (c) => c.json({ echo: await c.req.json() }, 201));
export default app;
`;

const HONO_NODE = `import { Hono } from "hono";
import { getRequestListener } from "@hono/node-server";
const app = new Hono();
app.get("/x", (c) => c.text("via node-server"));
export default getRequestListener(app.fetch);
`;

const WS = `import express from "express";
import { WebSocketServer } from "ws";
const app = express();
app.get("/", (req, res) => res.send("ws app"));
const wss = new WebSocketServer({ noServer: true });
wss.on("connection", (ws, req) => ws.on("message", (m) => ws.send("echo " + req.url + " " + m)));
export function upgrade(req: any, socket: any, head: Buffer) {
  wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
}
export function __unload__() { wss.close(); }
export default app;
`;

let site: TestSite;
const accessLog = () => accessLogLines(site);

beforeAll(async () => {
  site = await startAppSite(
    `
DocumentRoot @DIR@
LogFormat "%m %U %>s %B %u" apps
CustomLog @DIR@/logs/access.log apps
TsAppAlias /fastify @DIR@/fastify.ts
TsAppAlias /koa @DIR@/koa.ts::koa
TsAppAlias /hono @DIR@/hono.ts
TsAppAlias /hono-node @DIR@/hono-node.ts
TsAppAlias /ws @DIR@/ws.ts
<Location /hono/env>
  AuthType Basic
  AuthName hono
  TsAuthenHandler @DIR@/auth.ts
  Require valid-user
</Location>
<Location /koa>
  AuthType Basic
  AuthName koa
  TsAuthenHandler @DIR@/auth.ts
  Require valid-user
  Header set X-Koa yes
</Location>
`,
    { "fastify.ts": FASTIFY, "koa.ts": KOA, "hono.ts": HONO, "hono-node.ts": HONO_NODE, "ws.ts": WS, "auth.ts": AUTH_MODULE, "logs/.keep": "" },
  );
});

afterAll(() => site.close());

test("Fastify: routing below the mount, JSON POST and its status", async () => {
  const r = await request(site, "/fastify/hello/ann");
  expect(JSON.parse(r.body)).toEqual({ hello: "ann", url: "/hello/ann" });
  const post = await request(site, "/fastify/things", { body: JSON.stringify({ a: 1 }), headers: { "content-type": "application/json" } });
  expect(post.status).toBe(202);
  expect(JSON.parse(post.body)).toEqual({ got: { a: 1 } });
  expect((await request(site, "/fastify/nothing")).status).toBe(404);
  await waitFor(() => accessLog().includes(`POST /fastify/things 202 ${post.raw.length} -`));
});

test("Koa (a named export): auth in front, the user reaches the app, Header applies, 418 logged", async () => {
  expect((await request(site, "/koa/x")).status).toBe(401);
  const r = await request(site, "/koa/some/path", { headers: { authorization: basic("bob") } });
  expect(JSON.parse(r.body)).toEqual({ path: "/some/path", user: "bob" });
  expect(r.headers["x-koa"]).toBe("yes");
  const tea = await request(site, "/koa/teapot", { headers: { authorization: basic("bob") } });
  expect(tea.status).toBe(418);
  await waitFor(() => accessLog().includes(`GET /koa/teapot 418 15 bob`));
});

test("Hono as a fetch app: env.user, env.mountPath, the URL below the mount, JSON POST", async () => {
  expect((await request(site, "/hono/")).body).toBe("hono root");
  const r = await request(site, "/hono/env", { headers: { authorization: basic("carol") } });
  expect(JSON.parse(r.body)).toEqual({ user: "carol", mount: "/hono", url: "/env" });
  const post = await request(site, "/hono/json", { body: JSON.stringify([1, 2]), headers: { "content-type": "application/json" } });
  expect(post.status).toBe(201);
  expect(JSON.parse(post.body)).toEqual({ echo: [1, 2] });
});

test("Hono through @hono/node-server's listener", async () => {
  expect((await request(site, "/hono-node/x")).body).toBe("via node-server");
});

test("a WebSocket echo through an Express app's upgrade export; plain requests still reach the app", async () => {
  expect((await request(site, "/ws/")).body).toBe("ws app");
  const ws = new WebSocket(`ws://127.0.0.1:${site.port}/ws/chat`);
  const reply = await new Promise<string>((resolve, reject) => {
    ws.on("open", () => ws.send("hi"));
    ws.on("message", (m) => resolve(String(m)));
    ws.on("error", reject);
  });
  expect(reply).toBe("echo /chat hi");
  ws.close();
  await waitFor(() => accessLog().some((l) => l.startsWith("GET /ws/chat ")), 5000).catch(() => undefined);
  expect(accessLog().filter((l) => l.startsWith("GET /ws/"))).toEqual(["GET /ws/ 200 6 -", "GET /ws/chat 101 0 -"]);
});
