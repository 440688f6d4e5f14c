"use strict";
// The same Express 5 "hello" for both sides: mounted with TsAppAlias, and on its own node:http server.
const express = require("express");
const app = express();
app.get("/hello", (req, res) => res.json({ hello: "world" }));
module.exports = app;
