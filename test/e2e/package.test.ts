/*
 * The npm package as a user gets it: the tarball of `npm run package` (tools/pack.js, from the
 * build in dist/), installed into an empty folder, then `tsmod configtest` and one request to
 * a site there. This is CI's check of the package, run by `npm test`.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runCli, serve } from "../helpers/cli";
import { request, writeTree } from "../helpers/site";

const ROOT = path.resolve(__dirname, "../..");
/** Packing plus an install from the local npm cache: seconds, but minutes on a loaded machine. */
const INSTALL_TIMEOUT_MS = 180_000;

/** A site that touches no SQLite (no sessions, no user database): see the install below. */
const SITE = {
  "package.json": `{ "private": true }\n`,
  "tsmod.conf": `Listen 127.0.0.1:0
<Location /hello>
  SetHandler tsmod
  TsHandler app/hello
</Location>
`,
  "app/hello.ts": `import { OK, type Request } from "tsmod";
import { ServerReturn } from "tsmod-server";
export async function handler(req: Request): Promise<number> {
  req.contentType = "text/plain";
  await req.write(\`hello from the package, ServerReturn is a \${typeof ServerReturn}\`);
  return OK;
}
`,
};

/** Every file below `dir`, relative to it. */
function filesIn(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile());
}

/** The folder of the tarball of `npm run package`, packed once for every describe below. */
let packDir: string | undefined;
let packed: string | undefined;
function tarball(): string {
  packDir ??= fs.mkdtempSync(path.join(os.tmpdir(), "tsmod-pack-"));
  packed ??= execFileSync(process.execPath, [path.join(ROOT, "tools/pack.js"), "--pack-destination", packDir], { encoding: "utf8" }).trim();
  return packed;
}
afterAll(() => {
  if (packDir) fs.rmSync(packDir, { recursive: true, force: true });
});

/** `npm install` of the tarball into `dir` (which has a package.json of its own, so npm installs there). */
function installTarball(dir: string, tarball: string): void {
  // better-sqlite3 (compiled from source at install, about 80 s) is an optional peer now, so
  // npm leaves it out; --ignore-scripts keeps it that way should a dependency ever build.
  // tsmod-server itself ships no scripts (see below), so nothing of ours is skipped.
  execFileSync("npm", ["install", "--prefer-offline", "--ignore-scripts", "--no-audit", "--no-fund", tarball], {
    cwd: dir,
    stdio: "pipe",
    timeout: INSTALL_TIMEOUT_MS,
  });
}

test("a plain `npm pack` of the checkout refuses to ship its development package.json", () => {
  const r = spawnSync("npm", ["pack", "--dry-run"], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  expect(r.status).not.toBe(0);
  expect(r.stderr).toContain("run `npm run package`");
});

describe("the npm package tsmod-server, installed from its tarball into an empty folder", () => {
  let work: string;
  let site: string;
  let installed: string;
  let bin: string;

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "tsmod-package-test-"));
    expect(path.basename(tarball())).toMatch(/^tsmod-server-\d+\.\d+\.\d+\.tgz$/);
    // A package.json of its own, so npm installs here and not into a folder above.
    site = writeTree(SITE, path.join(work, "site"));
    installTarball(site, tarball());
    installed = path.join(site, "node_modules", "tsmod-server");
    bin = path.join(site, "node_modules", ".bin", "tsmod");
  }, INSTALL_TIMEOUT_MS * 2);

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test("ships only what runs: bin, the build without source maps, README, LICENSE, and a package.json without scripts or devDependencies", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8"));
    expect(manifest.name).toBe("tsmod-server");
    expect(manifest.bin).toEqual({ tsmod: "bin/tsmod.js" });
    expect(manifest.scripts).toBeUndefined();
    expect(manifest.devDependencies).toBeUndefined();
    const files = filesIn(installed);
    expect([...new Set(files.map((f) => f.split(path.sep)[0]))].sort()).toEqual(["LICENSE", "README.md", "bin", "dist", "package.json"]);
    expect(files).toContain(path.join("dist", "index.js"));
    expect(files).toContain(path.join("dist", "index.d.ts"));
    expect(files.filter((f) => f.endsWith(".map"))).toEqual([]);
    const namesAMap = (f: string) => /^\/\/# sourceMappingURL=\S+\.map\s*$/m.test(fs.readFileSync(path.join(installed, f), "utf8"));
    const mapComments = files.filter((f) => f.endsWith(".js") && namesAMap(f));
    expect(mapComments).toEqual([]);
    expect(fs.readFileSync(path.join(installed, "LICENSE"), "utf8")).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} the tsmod authors\n/);
  });

  test("its types: a strict handler typechecks against dist/*.d.ts, which leave out the @internal members", () => {
    fs.writeFileSync(
      path.join(site, "app", "typed.ts"),
      `import { OK, type Request } from "tsmod";
export async function handler(req: Request): Promise<number> {
  // @ts-expect-error Request's state is shared with the phases only (stripInternal)
  void req._state;
  // @ts-expect-error so is Table.appendPairs
  req.headersOut.appendPairs([]);
  await req.write("typed");
  return OK;
}
`,
    );
    // Without skipLibCheck, so the package's declarations are checked too; @types/node from this
    // checkout (a user's project brings its own); "tsmod" mapped to the package as the loader does.
    const tsconfig = {
      compilerOptions: {
        strict: true,
        noEmit: true,
        module: "commonjs",
        moduleResolution: "node",
        target: "ES2022",
        lib: ["ES2022"],
        typeRoots: [path.join(ROOT, "node_modules", "@types")],
        types: ["node"],
        baseUrl: ".",
        paths: { tsmod: ["node_modules/tsmod-server"] },
      },
      files: ["app/hello.ts", "app/typed.ts"],
    };
    fs.writeFileSync(path.join(site, "tsconfig.json"), JSON.stringify(tsconfig));
    const tsc = path.join(site, "node_modules", "typescript", "bin", "tsc");
    const r = spawnSync(process.execPath, [tsc, "-p", site], { cwd: site, encoding: "utf8", timeout: 120_000 });
    expect([r.stdout, r.stderr, r.status]).toEqual(["", "", 0]);
  });

  test("its `tsmod configtest` checks the site: Syntax OK", () => {
    const r = runCli(["configtest", "-f", path.join(site, "tsmod.conf")], bin);
    expect([r.stdout, r.stderr, r.status]).toEqual(["Syntax OK\n", "", 0]);
  });

  test("its `tsmod serve` answers a request to a handler importing \"tsmod\" and \"tsmod-server\"", async () => {
    // Nothing was compiled at install: the site runs without SQLite's native module.
    expect(fs.existsSync(path.join(site, "node_modules", "better-sqlite3", "build"))).toBe(false);
    const server = await serve(path.join(site, "tsmod.conf"), [], 1, { bin });
    try {
      const reply = await request({ port: Number(new URL(server.urls[0]).port) }, "/hello");
      expect([reply.status, reply.body]).toEqual([200, "hello from the package, ServerReturn is a function"]);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});

/**
 * A temporary folder above which no node_modules holds better-sqlite3: Node looks for packages
 * in every folder up to the root, and a shared machine may have a /tmp/node_modules, which
 * would hide what a newcomer's empty folder lacks.
 */
function isolatedBase(): string {
  for (const base of [os.tmpdir(), "/var/tmp", os.homedir()]) {
    try {
      require.resolve("better-sqlite3", { paths: [base] });
    } catch {
      return base;
    }
  }
  throw new Error("every temporary folder has a node_modules with better-sqlite3 above it: cannot make an empty folder");
}

describe("a newcomer's path: from an empty folder, install the tarball and `tsmod init site`", () => {
  let work: string;
  let project: string;
  let bin: string;
  let site: string;

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(isolatedBase(), "tsmod-init-test-"));
    project = path.join(work, "project");
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, "package.json"), `{ "private": true }\n`);
    installTarball(project, tarball());
    bin = path.join(project, "node_modules", ".bin", "tsmod");
    site = path.join(project, "site");
  }, INSTALL_TIMEOUT_MS * 2);

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test("`tsmod init site` writes a site and says how to run it", () => {
    const r = spawnSync(process.execPath, [bin, "init", "site"], { cwd: project, encoding: "utf8", timeout: 20_000 });
    expect([r.stderr, r.status]).toEqual(["", 0]);
    expect(r.stdout).toContain(`Run it:        npx tsmod serve -f ${path.join("site", "tsmod.conf")}`);
    expect(filesIn(site).sort()).toEqual(
      ["api/index.ts", "app/greeting.ts", "app/hello.ts", "htdocs/index.html", "htdocs/page.psp", "package.json", "site.conf", "test/site.test.mjs", "tsconfig.json", "tsmod.conf"].map((f) => path.join(...f.split("/"))),
    );
    const again = spawnSync(process.execPath, [bin, "init", "site"], { cwd: project, encoding: "utf8", timeout: 20_000 });
    expect([again.stderr, again.status]).toEqual(["tsmod init: site exists and is not an empty folder: tsmod init writes a new site only\n", 1]);
  });

  test("`tsc -p site` passes on every generated file, with the package's own types (no skipLibCheck)", () => {
    const tsc = path.join(project, "node_modules", ".bin", "tsc");
    const r = spawnSync(tsc, ["-p", "site"], { cwd: project, encoding: "utf8", timeout: 120_000 });
    expect([r.stdout, r.stderr, r.status]).toEqual(["", "", 0]);
  });

  test("`tsmod serve -f site/tsmod.conf` answers: the handler, the publisher, the PSP page", async () => {
    // A free port instead of the generated 8080, which something else on the machine may hold.
    const conf = path.join(site, "tsmod.conf");
    fs.writeFileSync(conf, fs.readFileSync(conf, "utf8").replace("Listen 127.0.0.1:8080", "Listen 127.0.0.1:0"));
    const server = await serve(conf, [], 1, { bin });
    try {
      const port = Number(new URL(server.urls[0]).port);
      const hello = await request({ port }, "/hello?name=newcomer");
      expect([hello.status, hello.body]).toEqual([200, "<!doctype html><title>Hello</title><h1>Hello, newcomer!</h1>\n"]);
      expect((await request({ port }, "/api/greet?name=api")).body).toBe("Hello, api!");
      expect((await request({ port }, "/page.psp?item=%3Ci%3E")).body).toContain("<li>&lt;i&gt;</li>");
      expect((await request({ port }, "/")).body).toContain(`<a href="/hello?name=you">`);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  test("the site's example test passes under `node --test`, with tsmod-server/testing", () => {
    const r = spawnSync(process.execPath, ["--test", path.join("site", "test", "site.test.mjs")], { cwd: project, encoding: "utf8", timeout: 60_000 });
    expect([r.status, r.stdout]).toEqual([0, expect.stringMatching(/# pass 3\n# fail 0\n/)]);
  });

  test("better-sqlite3 is an optional peer: not installed with tsmod, and a site that asks for SQLite is told how to get it", async () => {
    expect(fs.existsSync(path.join(project, "node_modules", "better-sqlite3"))).toBe(false);
    expect(fs.existsSync(path.join(project, "node_modules", "pg"))).toBe(false);
    fs.writeFileSync(path.join(site, "app", "count.ts"), `import { OK, type Request } from "tsmod";
export async function handler(req: Request): Promise<number> {
  const session = await req.getSession();
  session.set("n", 1);
  await session.save();
  await req.write(String(session.isNew));
  return OK;
}
`);
    fs.writeFileSync(path.join(site, "sqlite.conf"), `Listen 127.0.0.1:0
TsOption tsmod.session.type sqlite
<Location /count>
  SetHandler tsmod
  TsHandler app/count
</Location>
`);
    const server = await serve(path.join(site, "sqlite.conf"), [], 1, { bin });
    try {
      const reply = await request({ port: Number(new URL(server.urls[0]).port) }, "/count");
      expect(reply.status).toBeGreaterThanOrEqual(500);
      expect(server.output()).toContain(
        `cannot find package 'better-sqlite3' needed by TsOption tsmod.session.type sqlite: run \`npm install better-sqlite3\` in ${project}`,
      );
    } finally {
      await server.stop();
    }
  });
});
