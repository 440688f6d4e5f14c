#!/usr/bin/env node
"use strict";
/**
 * `npm run build`: what `tsc -p tsconfig.build.json` does, plus one emit transformer that keeps
 * the compiled modules' exports objects in V8's fast mode (platform/loader/fast-exports.js).
 * Exits non-zero, printing tsc-style diagnostics, when the sources do not compile.
 */
const path = require("node:path");
const ts = require("typescript");
const { keepExportsFast } = require("../platform/loader/fast-exports");

const root = path.join(__dirname, "..");
const configFile = path.join(root, "tsconfig.build.json");

function main() {
  const read = ts.readConfigFile(configFile, ts.sys.readFile);
  if (read.error) return fail([read.error]);
  const config = ts.parseJsonConfigFileContent(read.config, ts.sys, root, undefined, configFile);
  if (config.errors.length) return fail(config.errors);
  const program = ts.createProgram({ rootNames: config.fileNames, options: config.options, projectReferences: config.projectReferences });
  const emitted = program.emit(undefined, undefined, undefined, false, { after: [keepExportsFast(ts)] });
  const diagnostics = ts.sortAndDeduplicateDiagnostics([...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics]);
  if (diagnostics.some((d) => d.category === ts.DiagnosticCategory.Error) || emitted.emitSkipped) return fail(diagnostics);
}

/** @param {readonly import("typescript").Diagnostic[]} diagnostics */
function fail(diagnostics) {
  const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => "\n" };
  process.stderr.write(ts.formatDiagnostics(diagnostics, host));
  process.exitCode = 1;
}

main();
