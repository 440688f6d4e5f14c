/*
 * Handler modules import tsmod as "tsmod", or by its npm package's name "tsmod-server": both
 * are answered by the server, with the one module it runs (never a second copy of the package).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { createModuleSet } from "../../index";
import { ServerReturn } from "../../index";
import { ModuleRegistry } from "../../platform/loader";
import { writeTree } from "../helpers/site";

test('"tsmod-server" imports the same module as "tsmod", with no package installed beside the handler', () => {
  const dir = writeTree({
    "app.ts": `import { ServerReturn as fromTsmod } from "tsmod";
import { ServerReturn as fromPackage } from "tsmod-server";
export const classes = [fromTsmod, fromPackage];
`,
  });
  try {
    const registry = new ModuleRegistry("test", { builtins: createModuleSet().builtins() });
    const { classes } = registry.load(path.join(dir, "app.ts")) as { classes: unknown[] };
    expect(classes[0]).toBe(ServerReturn);
    expect(classes[1]).toBe(ServerReturn);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
