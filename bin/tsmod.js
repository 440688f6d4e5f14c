#!/usr/bin/env node
"use strict";
require("../dist/platform/cli/main.js").main(process.argv.slice(2));
