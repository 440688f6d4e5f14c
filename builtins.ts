/**
 * The modules handler code reaches by name: `tsmod` itself and the handlers shipped with it
 * (`TsHandler tsmod/publisher`, ...). Loaded on first use.
 */
export function createBuiltins(): ReadonlyMap<string, unknown> {
  const tsmod: unknown = require("./index");
  return new Map<string, unknown>([
    ["tsmod", tsmod],
    // The npm package's name: importing it must not load a second copy from node_modules.
    ["tsmod-server", tsmod],
    ["tsmod/filters/gzip", require("./handlers/filters").gzip],
    ["tsmod/psp", require("./psp-templates")],
    ["tsmod/publisher", require("./publisher")],
  ]);
}
