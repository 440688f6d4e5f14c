/**
 * The modules handler code reaches by name: `tsmod` itself and the handlers shipped with it
 * (`TsHandler tsmod/publisher`, ...). Loaded on first use.
 */
export function createBuiltins(): ReadonlyMap<string, unknown> {
  return new Map<string, unknown>([
    ["tsmod", require("./index")],
    ["tsmod/filters/gzip", require("./handlers/filters").gzip],
    ["tsmod/psp", require("./psp-templates")],
    ["tsmod/publisher", require("./publisher")],
  ]);
}
