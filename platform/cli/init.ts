import * as fs from "node:fs";
import * as path from "node:path";
import { initFiles } from "./init-files";

/** The installed tsmod-server: its folder and version (a package may require itself by name). */
function ownPackage(): { root: string; version: string } {
  const manifest = require.resolve("tsmod-server/package.json");
  return { root: path.dirname(manifest), version: (JSON.parse(fs.readFileSync(manifest, "utf8")) as { version: string }).version };
}

/** A path for tsconfig.json: relative, with forward slashes, starting with `./` or `../`. */
function tsconfigPath(from: string, to: string): string {
  const rel = path.relative(from, to).split(path.sep).join("/");
  return rel.startsWith("../") ? rel : `./${rel}`;
}

/**
 * `tsmod init DIR`: a new site that `tsmod serve -f DIR/tsmod.conf` runs at once. DIR may
 * exist, but only empty: init never overwrites a file.
 */
export function init(dir: string): void {
  const target = path.resolve(dir);
  if (fs.existsSync(target) && (!fs.statSync(target).isDirectory() || fs.readdirSync(target).length > 0)) {
    throw new Error(`${dir} exists and is not an empty folder: tsmod init writes a new site only`);
  }
  const pkg = ownPackage();
  // Where tsmod-server is now, and where `npm install` in the site folder would put it.
  const typesPaths = [...new Set([tsconfigPath(target, pkg.root), "./node_modules/tsmod-server"])];
  const files = initFiles({ name: path.basename(target), version: pkg.version, typesPaths });
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(target, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content, { flag: "wx" });
  }
  const relative = path.relative(process.cwd(), target);
  const shown = relative === "" ? "." : relative.startsWith("..") ? target : relative;
  process.stdout.write(`A new site in ${shown}:
${Object.keys(files).sort().map((f) => `  ${f}`).join("\n")}
Run it:        npx tsmod serve -f ${path.join(shown, "tsmod.conf")}   (http://127.0.0.1:8080/)
Check types:   npx tsc -p ${shown}
Test it:       node --test ${path.join(shown, "test", "site.test.mjs")}
`);
}
