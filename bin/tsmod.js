#!/usr/bin/env node
"use strict";
require("../dist/index.js").runCli(process.argv.slice(2));
