"use strict";
// The same Hono "hello" for both sides: mounted with TsAppAlias (as a fetch app), and served by @hono/node-server.
const { Hono } = require("hono");
const app = new Hono();
app.get("/hello", (c) => c.json({ hello: "world" }));
module.exports = app;
