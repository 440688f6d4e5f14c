#!/usr/bin/env node
"use strict";
/**
 * `npm run package`: the npm package as users install it, written as tsmod-server-VERSION.tgz
 * (to `--pack-destination DIR`, default the checkout), its path printed on stdout.
 *
 * This checkout's package.json is for development: its scripts build from sources, run tests
 * and serve examples/site, none of which is shipped, and `prepare` would build at install. So
 * the package is packed from a staging folder holding only what runs — bin/, the build in
 * dist/ (without source maps: the sources they point at are not shipped), README.md, LICENSE —
 * and a package.json without scripts or devDependencies. Installing it runs nothing of ours
 * and needs no devDependency. Run `npm run build` first (`npm run package` does).
 *
 * `npm pack` in the checkout would ship the development package.json: its prepack runs this
 * file with --refuse, which says so and fails.
 */
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { execFileSync } = require("node:child_process");

const root = path.join(__dirname, "..");
/** Fields of package.json that serve development only. */
const DEVELOPMENT_FIELDS = ["scripts", "devDependencies", "overrides"];
const DOCUMENTS = ["README.md", "LICENSE"];

function main(argv) {
  if (argv.includes("--refuse")) {
    return fail(
      "npm pack here would ship the development package.json (its scripts need sources, tests and " +
        "examples that are not shipped): run `npm run package`, and publish the tarball it writes",
    );
  }
  const destination = path.resolve(valueOf(argv, "--pack-destination") ?? root);
  if (!fs.existsSync(path.join(root, "dist", "index.js"))) return fail("dist/ is missing: run `npm run build` first");
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), "tsmod-package-"));
  try {
    stagePackage(stage);
    const packed = execFileSync("npm", ["pack", "--json", "--pack-destination", destination, stage], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    process.stdout.write(path.join(destination, JSON.parse(packed)[0].filename) + "\n");
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

function stagePackage(stage) {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  for (const field of DEVELOPMENT_FIELDS) delete manifest[field];
  fs.writeFileSync(path.join(stage, "package.json"), JSON.stringify(manifest, null, 2) + "\n");
  for (const file of DOCUMENTS) fs.copyFileSync(path.join(root, file), path.join(stage, file));
  fs.cpSync(path.join(root, "bin"), path.join(stage, "bin"), { recursive: true });
  copyBuild(path.join(root, "dist"), path.join(stage, "dist"));
}

/** dist/ without its .map files, and its .js files without the comment that names their map. */
function copyBuild(from, to) {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) copyBuild(source, target);
    else if (entry.name.endsWith(".js")) fs.writeFileSync(target, withoutMapComment(source));
    else if (!entry.name.endsWith(".map")) fs.copyFileSync(source, target);
  }
}

/** tsc ends every emitted .js file with exactly this line when `sourceMap` is on. */
function withoutMapComment(file) {
  const text = fs.readFileSync(file, "utf8");
  const comment = `//# sourceMappingURL=${path.basename(file)}.map`;
  const end = text.endsWith("\n") ? text.length - 1 : text.length;
  return text.slice(0, end).endsWith(comment) ? text.slice(0, end - comment.length) : text;
}

function valueOf(argv, name) {
  const at = argv.indexOf(name);
  if (at === -1) return undefined;
  if (argv[at + 1] === undefined) throw new Error(`${name} needs a value`);
  return argv[at + 1];
}

function fail(message) {
  process.stderr.write(`tools/pack.js: ${message}\n`);
  process.exitCode = 1;
}

main(process.argv.slice(2));
