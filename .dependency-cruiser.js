// Dependency direction for tsmod (DESIGN.md §2, issue 18): `npm run lint`, run by .ci/run.
// tsPreCompilationDeps makes type-only imports count: a cycle through `import type` is
// still a cycle in the design, and a layer may not lean on an upper layer's types either.
// The layers, lowest first. A file may import files of its own entry (the same folder, or
// the same group of loose files) and of entries in LOWER layers only: never an upper layer,
// never a sibling entry of the same layer (features reach each other only through lower
// layers). An entry is a folder ("platform/log": everything under it), one file
// ("platform/index.ts"), or "DIR/*.ts": the files directly in DIR that no other entry names.
// Entries for folders that do not exist yet simply match nothing.
// This table is the one place to change when the structure changes.
const LAYERS = [
  /* 0 */ ["platform/*.ts"], // constants, errors, table, bounded-map, ttl-cache, url-path, html, maybe-promise, ...
  /* 1 */ ["platform/config"], // the configuration language only
  /* 2 */ ["platform/log", "platform/loader", "platform/cookies", "platform/forms", "platform/fleet"],
  /* 3 */ ["platform/core"], // what the engine itself reads: Apache's core directives, typed
  /* 4 */ ["platform/request"],
  /* 5 */ ["platform/module"], // the module API (DESIGN.md §11)
  /* 6 */ ["platform/phases"], // the phase loop and mod_python's handler stacks
  /* 7 */ [
    // Apache's features (and mod_python's handler directives) as modules on that API
    "platform/ts-handlers",
    "platform/static",
    "platform/proxy",
    "platform/alias",
    "platform/mime",
    "platform/headers",
    "platform/filters",
    "platform/auth",
    "platform/access-log",
    "platform/env",
    "platform/expires",
    "platform/rewrite",
    "platform/include",
    "platform/inspect",
    "platform/apps",
  ],
  /* 8 */ ["platform/server"],
  /* 9 */ ["platform/cluster"], // a primary and workers, each worker a server
  /* 10 */ ["platform/cli"],
  /* 11 */ ["platform/index.ts"],
  /* 12 */ ["sessions", "publisher", "psp-templates", "handlers"], // shipped modules above the platform
  /* 13 */ ["*.ts"], // the package entry index.ts and builtins.ts
  /* 14 */ ["examples"], // the demo site and the example module: user code, which may use anything
];

// A folder whose index.ts is its public surface (DESIGN.md §2): platform/<name>, handlers/<name>
// (handlers/ itself is a shelf of such folders) and every other top-level folder.
const MODULE_FOLDER = "platform/[^/]+|handlers/[^/]+|(?!platform/|handlers/)[^/]+";

const escapeRegex = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const NAMED_FILES = LAYERS.flat().filter((entry) => entry.endsWith(".ts") && !entry.endsWith("*.ts"));

/** The regular expression for the paths one LAYERS entry covers. */
function entryPattern(entry) {
  if (entry.endsWith("*.ts")) {
    const dir = entry.slice(0, -"*.ts".length); // "platform/", or "" for the top level
    const namedHere = NAMED_FILES.filter(
      (file) => file.startsWith(dir) && !file.slice(dir.length).includes("/"),
    ).map((file) => escapeRegex(file.slice(dir.length)));
    const notNamed = namedHere.length > 0 ? `(?!(?:${namedHere.join("|")})$)` : "";
    return `^${escapeRegex(dir)}${notNamed}[^/]+\\.ts$`;
  }
  if (entry.endsWith(".ts")) return `^${escapeRegex(entry)}$`;
  return `^${escapeRegex(entry)}/`;
}

const ALL_ENTRIES = LAYERS.flat().map(entryPattern);
// A dependency on one of the project's own files: node's core modules and npm packages are
// outside the layering and have no index.ts to go through.
const PROJECT_FILE = { dependencyTypesNot: ["core"], pathNot: "^node_modules/" };

/** `from` may import only files of `allowedEntries` (among the files LAYERS covers). */
function importsOnly(name, comment, from, allowedEntries) {
  return {
    name,
    severity: "error",
    comment,
    from: { path: entryPattern(from) },
    to: { path: ALL_ENTRIES, pathNot: allowedEntries.map(entryPattern) },
  };
}

// platform/config is left out here: config-imports-nothing-above below holds it to less than
// any layer could.
const layerRules = LAYERS.flatMap((entries, layer) =>
  entries
    .filter((entry) => entry !== "platform/config")
    .map((entry) =>
      importsOnly(
        `layer-${layer}:${entry}`,
        `${entry} (layer ${layer}) may import only itself and layers below ${layer}; see LAYERS in .dependency-cruiser.js`,
        entry,
        [entry, ...LAYERS.slice(0, layer).flat()],
      ),
    ),
);

// Files that no LAYERS entry covers would escape the layering unnoticed.
const NOT_IN_LAYERS = {
  name: "not-in-layers",
  severity: "error",
  comment: "Every file belongs to an entry of LAYERS in .dependency-cruiser.js: add new folders there",
};

/** Importing a file inside another module folder instead of that folder's index.ts. */
function internalsRule(from, pathNotOwnFolder) {
  return {
    name: "not-to-internals",
    severity: "warn",
    comment:
      "Each folder's index.ts is its public surface (DESIGN.md §2): import that, not the files behind it",
    from,
    to: {
      ...PROJECT_FILE,
      path: `^(?:${MODULE_FOLDER})/`,
      pathNot: [PROJECT_FILE.pathNot, ...pathNotOwnFolder, `^(?:${MODULE_FOLDER})/index\\.ts$`],
    },
  };
}

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment:
        "No import cycle between folders (or loose files), type-only imports included (issue 18). " +
        "Inside one folder, a class and the types of its state may name each other.",
      from: { path: `^(${MODULE_FOLDER})/` },
      to: { circular: true, viaSomeNot: "^$1/" },
    },
    {
      name: "no-circular",
      severity: "error",
      comment: "No import cycle through a loose file (index.ts, builtins.ts, platform/*.ts), type-only imports included",
      from: { pathNot: `^(?:${MODULE_FOLDER})/` },
      to: { circular: true },
    },
    // Stated on its own, apart from LAYERS, so reordering the table cannot loosen it.
    importsOnly(
      "config-imports-nothing-above",
      "platform/config is the configuration language: it may import only itself and the loose " +
        "platform/*.ts files (layer 0), never a feature, the request or the phases (issue 18)",
      "platform/config",
      ["platform/config", "platform/*.ts"],
    ),
    ...layerRules,
    { ...NOT_IN_LAYERS, from: {}, to: { ...PROJECT_FILE, pathNot: [PROJECT_FILE.pathNot, ...ALL_ENTRIES] } },
    { ...NOT_IN_LAYERS, from: { pathNot: ALL_ENTRIES }, to: PROJECT_FILE },
    // From a file inside a module folder, the own folder's files are not "internals"...
    internalsRule({ path: `^(${MODULE_FOLDER})/` }, ["^$1/"]),
    // ...from a loose file (platform/index.ts, index.ts, builtins.ts) every folder is another's.
    internalsRule({ pathNot: `^(?:${MODULE_FOLDER})/` }, []),
  ],
  options: {
    // Tests may reach anything they test; the layering is the shipped code's.
    exclude: { path: "\\.test\\.ts$|^test/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    doNotFollow: { path: "^node_modules/" },
  },
};
