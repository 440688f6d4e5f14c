/*
 * Issue 17: whatever a configuration file contains, loading it either succeeds or fails with
 * `FILE:LINE: message` lines only — never a stack trace, a TypeError, an `undefined` in a
 * message, a hang or a runaway read. The project's own configurations (examples/, bench/ and
 * every configuration text in the tests) are mutated deterministically (seeded PRNG): lines
 * deleted, duplicated, swapped, text truncated, random bytes inserted, sections unbalanced,
 * quotes and continuations misplaced, numbers made huge or negative, broken regexes and
 * wildcards, every directive given junk arguments, and Include of /dev/zero, a FIFO, a folder,
 * the file itself. Each mutant goes through loadConfig (called directly, in a helper process
 * so that a hang or a runaway read is killed by a watchdog instead of freezing the test
 * runner); a sample also goes through the real `tsmod configtest` with a time limit. Uses
 * dist/ (`npm run build` first).
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { BIN } from "../helpers/cli";
import { writeTree } from "../helpers/site";

const ROOT = path.resolve(__dirname, "../..");
const DIST = path.join(ROOT, "dist");
const MUTANTS = 2000;
const CLI_SAMPLE = 10;
/** No single load may take longer than this (the slowest honest one takes milliseconds). */
const LOAD_LIMIT_MS = 5000;
const SEED = 0x7e5d17;

/** mulberry32: small, fast, good enough to pick mutations reproducibly. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function listFiles(dir: string, keep: (f: string) => boolean): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && e.name !== "node_modules") out.push(...listFiles(p, keep));
    else if (e.isFile() && keep(p)) out.push(p);
  }
  return out;
}

/** The configurations the project ships and tests with: the seeds. */
function seeds(directiveNames: ReadonlySet<string>, siteDir: string): Array<{ name: string; text: string }> {
  const out: Array<{ name: string; text: string }> = [];
  for (const f of [...listFiles(path.join(ROOT, "examples"), (p) => p.endsWith(".conf")), ...listFiles(path.join(ROOT, "bench"), (p) => p.endsWith(".conf"))]) {
    out.push({ name: path.relative(ROOT, f), text: `ServerRoot ${path.dirname(f)}\n${fs.readFileSync(f, "utf8")}` });
  }
  // Configuration texts written as template literals in the tests.
  for (const f of listFiles(path.join(ROOT, "test"), (p) => p.endsWith(".test.ts") && !p.endsWith("config-fuzz.test.ts"))) {
    for (const m of fs.readFileSync(f, "utf8").matchAll(/`([^`]*)`/g)) {
      const text = m[1]
        .replace(/\$\{[^{}]*\}/g, "x")
        .replace(/\\([\\`$])/g, "$1")
        .replace(/@DIR@/g, siteDir);
      const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
      const known = lines.filter((l) => /^<\/?[A-Za-z]/.test(l) || directiveNames.has(l.split(/\s+/)[0].toLowerCase())).length;
      // As the test helpers do, a configuration without Listen gets one.
      if (lines.length >= 2 && known >= 2 && known >= lines.length * 0.6) out.push({ name: path.relative(ROOT, f), text: /^\s*Listen\b/im.test(text) ? text : `Listen 127.0.0.1:0\n${text}` });
    }
  }
  return out;
}

interface Specials {
  fifo: string;
  folder: string;
}

const BAD_REGEXES = ["(a+)+b(", "(?<=x)y", "(?!a)", "(a)\\1", "[z-a]", "\\", "a{2,1}", "(?P<n>x)(?P<n>y)", "x{1001}", "(.{999}.{999})", "*", "(?i", "\\p{Nope}"];
const ODD = ['"', "'", '\\"', "\\", " \\", "<", ">", "</", "#", "~", "|", "::", "%{", "${X}", "\u0000", "\r", "\t", "\u00e9", "\u{1F600}", "\uFFFD", "\uD800"];
const NUMBERS = ["99999999999999999999999999", "1e400", "9007199254740993", "-1", "-0", "0", "4294967296", "2147483648", "0x10", "1.5", "NaN", "Infinity", "08", "1ms", "-5ms"];

/** One mutation of `lines`, chosen by `rnd`. */
function mutate(lines: string[], rnd: () => number, directives: readonly string[], self: string, specials: Specials): string[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const at = () => Math.floor(rnd() * (lines.length + 1));
  const out = [...lines];
  const line = () => Math.floor(rnd() * Math.max(out.length, 1));
  switch (Math.floor(rnd() * 14)) {
    case 0:
      out.splice(line(), 1);
      break;
    case 1: {
      const i = line();
      out.splice(i, 0, out[i] ?? "");
      break;
    }
    case 2: {
      const [i, j] = [line(), line()];
      [out[i], out[j]] = [out[j] ?? "", out[i] ?? ""];
      break;
    }
    case 3: {
      const text = out.join("\n");
      return text.slice(0, Math.floor(rnd() * text.length)).split("\n");
    }
    case 4: {
      const i = line();
      const s = out[i] ?? "";
      const pos = Math.floor(rnd() * (s.length + 1));
      const bytes = Array.from({ length: 1 + Math.floor(rnd() * 8) }, () => String.fromCharCode(Math.floor(rnd() * 256))).join("");
      out[i] = s.slice(0, pos) + bytes + s.slice(pos);
      break;
    }
    case 5:
      out.splice(at(), 0, pick(["<Location /x>", "</Location>", "<Directory />", "</Directory>", "<VirtualHost *>", "</VirtualHost>", "<IfDefine X>", "</IfModule>", "<Files>", "<Location>", "</>", "<>", "<Nope x>", "<LocationMatch>", "<Directory ~>", "<Files ~ a b>"]));
      break;
    case 6: {
      const i = line();
      const s = out[i] ?? "";
      const pos = Math.floor(rnd() * (s.length + 1));
      out[i] = s.slice(0, pos) + pick(ODD) + s.slice(pos);
      break;
    }
    case 7:
    case 8: {
      const i = line();
      out[i] = (out[i] ?? "").replace(/\b\d+\b/, pick(NUMBERS));
      if (!/\d/.test(lines[i] ?? "")) out.splice(at(), 0, `${pick(["Timeout", "KeepAliveTimeout", "LimitRequestBody", "LimitRequestFields", "LimitRequestFieldSize", "LimitRequestLine", "Workers", "ErrorDocument", "Listen", "ProxyTimeout", "Redirect"])} ${pick(NUMBERS)}${rnd() < 0.3 ? " /x" : ""}`);
      break;
    }
    case 9: {
      const re = pick(BAD_REGEXES);
      out.splice(at(), 0, pick([`<LocationMatch "${re}">`, `<Location ~ "${re}">`, `<DirectoryMatch "${re}">`, `<FilesMatch "${re}">`, `<Files "${re}">`, `<Directory "/${re}">`, `AliasMatch "${re}" /x`, `RedirectMatch "${re}" /y`, `RedirectMatch 301 "${re}"`, `Header edit X-A "${re}" b`, `Header echo "${re}"`, `ServerAlias "${re}"`]));
      break;
    }
    case 10:
      out.splice(at(), 0, `${pick(["Include", "IncludeOptional"])} ${pick(["/dev/zero", "/dev/urandom", specials.fifo, specials.folder, `${specials.folder}/*`, `${specials.folder}/*/x`, self, path.dirname(self) + "/nope-*.conf", "/nonexistent/*.conf", "", '""', "a b"])}`);
      break;
    case 11: {
      const args = Array.from({ length: Math.floor(rnd() * 4) }, () => pick([...ODD, ...NUMBERS, ...BAD_REGEXES, "On", "x", "/", ".ext", "env=", "env=!X", "always", "edit", "set", "tsmod/nope", "a::b", "|", "none", "All", "-Indexes", "+x", '""']));
      out.splice(at(), 0, `${pick(directives)} ${args.join(" ")}`.trim());
      break;
    }
    case 12: {
      const i = line();
      const words = (out[i] ?? "").split(" ");
      const w = Math.floor(rnd() * words.length);
      words[w] = rnd() < 0.5 ? '""' : words[w].repeat(200 + Math.floor(rnd() * 2000));
      out[i] = words.join(" ");
      break;
    }
    default: {
      const i = line();
      out[i] = (out[i] ?? "") + pick([" \\", "\\", ' "', " extra", " #", "\u0000"]);
    }
  }
  return out;
}

/** What is wrong with one load's outcome, or null when it loaded or failed as it should. */
function problem(outcome: { ok: true } | { ok: false; configErrors?: string[]; thrown?: string }, text: string): string | null {
  if (outcome.ok) return null;
  if (outcome.thrown !== undefined) return `threw something other than ConfigErrors:\n${outcome.thrown}`;
  const lines = outcome.configErrors!;
  if (lines.length === 0) return "failed with no error";
  for (const l of lines) {
    if (!/^[^\n]+:\d+: \S/.test(l) || l.includes("\n    at ")) return `not a FILE:LINE: message line: ${JSON.stringify(l.slice(0, 300))}`;
    if (/TypeError|RangeError|ReferenceError|\[object /.test(l)) return `internal error leaked: ${JSON.stringify(l.slice(0, 300))}`;
    if (/\bundefined\b/.test(l) && !text.includes("undefined")) return `'undefined' in a message: ${JSON.stringify(l.slice(0, 300))}`;
  }
  return null;
}

/** Loads each configuration file it is sent with the shipped modules (as `tsmod configtest`). A process of its own, so a hang can be killed. */
const LOADER = `
const fs = require("node:fs");
const { loadSiteConfig } = require(process.argv[1] + "/platform/module/index.js");
const { createModuleSet } = require(process.argv[1] + "/index.js");
const { ConfigErrors } = require(process.argv[1] + "/platform/errors.js");
const modules = createModuleSet();
process.on("message", ({ file, text }) => {
  fs.writeFileSync(file, text);
  const start = Date.now();
  let outcome;
  try {
    loadSiteConfig(file, modules);
    outcome = { ok: true };
  } catch (e) {
    outcome = e instanceof ConfigErrors ? { ok: false, configErrors: e.errors.map((x) => x.message) } : { ok: false, thrown: String((e && e.stack) || e) };
  }
  process.send({ outcome, ms: Date.now() - start });
});
`;

/** Loads each mutant; a load that does not come back in time fails the test. */
async function loadAll(mutants: Array<{ file: string; text: string; label: string }>): Promise<{ failures: string[]; loaded: number; slowest: number }> {
  const loader = spawn(process.execPath, ["-e", LOADER, DIST], { stdio: ["ignore", "ignore", "pipe", "ipc"] });
  let stderr = "";
  loader.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  type Reply = { outcome: Parameters<typeof problem>[0]; ms: number };
  let answer: ((r: Reply | Error | null) => void) | null = null;
  loader.on("message", (r: Reply) => answer?.(r));
  loader.on("exit", (code, signal) => answer?.(new Error(`the loader exited (${code ?? signal}): ${stderr.slice(-2000)}`)));
  const failures: string[] = [];
  let loaded = 0;
  let slowest = 0;
  try {
    for (const m of mutants) {
      const reply = await new Promise<Reply | Error | null>((resolve) => {
        const timer = setTimeout(() => resolve(null), LOAD_LIMIT_MS);
        answer = (r) => {
          clearTimeout(timer);
          resolve(r);
        };
        loader.send({ file: m.file, text: m.text });
      });
      if (reply === null || reply instanceof Error) {
        failures.push(`${m.label}: ${reply ? reply.message : `no answer within ${LOAD_LIMIT_MS} ms (hang)`}\n${m.text.slice(0, 2000)}`);
        break;
      }
      slowest = Math.max(slowest, reply.ms);
      if (reply.outcome.ok) loaded++;
      const p = problem(reply.outcome, m.text);
      if (p) failures.push(`${m.label}: ${p}\n--- mutant ---\n${m.text.slice(0, 2000)}`);
    }
  } finally {
    loader.kill("SIGKILL");
  }
  return { failures, loaded, slowest };
}

function configtest(file: string): Promise<{ status: number | null; stdout: string; stderr: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, "configtest", "-f", file], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, 10000);
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, timedOut });
    });
  });
}

describe("configuration fuzz: every mutant loads or fails with FILE:LINE messages, in bounded time", () => {
  jest.setTimeout(60000);
  const dir = writeTree({ "folder/a.conf": "TsOption a 1\n", "folder/sub/x": "TsOption x 1\n", "site/htdocs/.keep": "", "site/h.ts": "" });
  const specials: Specials = { fifo: path.join(dir, "fifo"), folder: path.join(dir, "folder") };
  spawnSync("mkfifo", [specials.fifo]);
  // Every directive the shipped modules declare (platform/config/directives is gone since the module API).
  const { shippedModuleSet } = require(path.join(DIST, "builtins.js")) as { shippedModuleSet(): { names(): Iterable<string> } };
  const directives = [...shippedModuleSet().names(), "Include", "IncludeOptional"];
  const seedList = seeds(new Set(directives.map((d) => d.toLowerCase())), path.join(dir, "site"));
  const rnd = prng(SEED);
  const mutants = Array.from({ length: MUTANTS }, (_, i) => {
    const seed = seedList[i % seedList.length];
    const file = path.join(dir, `m${i}.conf`);
    let lines = seed.text.split("\n");
    const rounds = 1 + Math.floor(rnd() * 3);
    for (let r = 0; r < rounds; r++) lines = mutate(lines, rnd, directives, file, specials);
    return { file, text: lines.join("\n"), label: `mutant ${i} of ${seed.name}` };
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("the seeds are the project's configurations", () => {
    expect(seedList.length).toBeGreaterThan(30);
    expect(seedList.map((s) => s.name)).toEqual(expect.arrayContaining(["examples/site/tsmod.conf", "bench/hello/tsmod.conf"]));
  });

  test(`${MUTANTS} mutants through loadConfig`, async () => {
    const { failures, loaded, slowest } = await loadAll(mutants);
    expect(failures.slice(0, 5)).toEqual([]);
    // The mutations must leave some configurations valid, or the test checks only errors.
    expect(loaded).toBeGreaterThan(MUTANTS / 40);
    expect(slowest).toBeLessThan(LOAD_LIMIT_MS);
  });

  test(`a sample of ${CLI_SAMPLE} mutants through tsmod configtest`, async () => {
    // The mutants that include a device or a FIFO, then others spread over the list.
    const special = mutants.filter((m) => m.text.includes("Include /dev/zero") || m.text.includes(`Include ${specials.fifo}`)).slice(0, 4);
    const step = Math.floor(MUTANTS / (CLI_SAMPLE - special.length));
    const sample = [...special, ...mutants.filter((m, i) => i % step === 0 && !special.includes(m))].slice(0, CLI_SAMPLE);
    // Two at a time: the machine may have only two cores.
    const results: Array<Awaited<ReturnType<typeof configtest>>> = [];
    for (let i = 0; i < sample.length; i += 2) {
      results.push(...(await Promise.all(sample.slice(i, i + 2).map((m) => (fs.writeFileSync(m.file, m.text), configtest(m.file))))));
    }
    const failures = results.flatMap((r, i) => {
      if (r.timedOut) return [`${sample[i].label}: configtest did not finish`];
      if (r.status === 0 && r.stdout === "Syntax OK\n" && r.stderr === "") return [];
      const p = r.status === 1 ? problem({ ok: false, configErrors: r.stderr.trimEnd().split("\n") }, sample[i].text) : `exit status ${r.status}`;
      return p ? [`${sample[i].label}: ${p}\n${r.stderr.slice(0, 1000)}`] : [];
    });
    expect(failures).toEqual([]);
  });
});
