/*
 * Issue 17, item 9: what the configuration loader reads. Include (and the main file) take
 * only regular files of a sane size, a loop of includes is an error naming it, and folders and
 * wildcards follow Apache's rules. The cases that hung or crashed the old loader (a device, a
 * FIFO) run through the real `tsmod configtest` with a time limit.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { loadConfig } from "../helpers/config";
import { MAX_CONFIG_FILE_BYTES } from "../../platform/config/config-file";
import { BIN } from "../helpers/cli";
import { ConfigErrors } from "../../platform/errors";
import { writeTree } from "../helpers/site";

/** The errors of loading `dir/tsmod.conf`, with the folder shown as `D`. */
function loadErrors(dir: string): string[] {
  try {
    loadConfig(path.join(dir, "tsmod.conf"));
    return [];
  } catch (e) {
    if (!(e instanceof ConfigErrors)) throw e;
    return e.errors.map((x) => x.message.split(dir).join("D"));
  }
}

/** Writes `files` and `tsmod.conf`, loads it and returns the errors. */
function errorsOf(conf: string, files: Record<string, string> = {}): { errors: string[]; dir: string } {
  const dir = writeTree({ ...files, "tsmod.conf": conf });
  return { errors: loadErrors(dir), dir };
}

/** The TsOption keys a configuration ends with, in order: shows which files were read. */
function optionsOf(conf: string, files: Record<string, string>): string[] {
  const dir = writeTree({ ...files, "tsmod.conf": conf });
  return [...loadConfig(path.join(dir, "tsmod.conf")).main.dir.options.keys()];
}

function configtest(file: string): { status: number | null; stderr: string; stdout: string; timedOut: boolean } {
  const r = spawnSync(process.execPath, [BIN, "configtest", "-f", file], { encoding: "utf8", timeout: 10000, maxBuffer: 1 << 20 });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout, timedOut: r.signal !== null };
}

describe("configtest refuses what is not a regular file, at once and with FILE:LINE", () => {
  const dir = writeTree({ "sub/.keep": "" });
  const fifo = path.join(dir, "fifo");
  spawnSync("mkfifo", [fifo]);

  test.each([
    ["/dev/zero", "a character device"],
    [fifo, "a FIFO"],
  ])("the main file %s", (file, kind) => {
    const r = configtest(file);
    expect(r.timedOut).toBe(false);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`${file}:0: not a regular file (it is ${kind})\n`);
  });

  test.each([
    ["Include /dev/zero", "/dev/zero", "a character device"],
    [`Include ${fifo}`, fifo, "a FIFO"],
    [`Include ${dir}/fif*`, fifo, "a FIFO"],
  ])("%s", (line, file, kind) => {
    const conf = path.join(writeTree({ "tsmod.conf": `Listen 0\n${line}\n` }), "tsmod.conf");
    const r = configtest(conf);
    expect(r.timedOut).toBe(false);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`${conf}:2: Include: ${file}: not a regular file (it is ${kind})\n`);
  });

  test("a FIFO inside an included folder", () => {
    const site = writeTree({ "conf.d/a.conf": "TsOption a 1\n", "tsmod.conf": "Listen 0\nInclude conf.d\n" });
    spawnSync("mkfifo", [path.join(site, "conf.d/b.fifo")]);
    const r = configtest(path.join(site, "tsmod.conf"));
    expect(r.timedOut).toBe(false);
    expect(r.stderr).toBe(`${site}/tsmod.conf:2: Include: ${site}/conf.d/b.fifo: not a regular file (it is a FIFO)\n`);
  });

  test("a folder as the main file", () => {
    expect(() => loadConfig(path.join(dir, "sub"))).toThrow(`${dir}/sub:0: not a regular file (it is a directory)`);
  });

  test("Include /dev/null is an empty file, as in Apache", () => {
    expect(errorsOf("Listen 0\nInclude /dev/null\n").errors).toEqual([]);
  });
});

describe("Include loops and depth", () => {
  test("a file including itself names the cycle", () => {
    expect(errorsOf("Listen 0\nInclude tsmod.conf\n").errors).toEqual(["D/tsmod.conf:2: Include: D/tsmod.conf: Include cycle: D/tsmod.conf -> D/tsmod.conf"]);
  });

  test("a cycle through two files, reported at the Include that closes it", () => {
    const { errors } = errorsOf("Listen 0\nInclude a.conf\n", { "a.conf": "TsOption a 1\nInclude b.conf\n", "b.conf": "\nInclude a.conf\n" });
    expect(errors).toEqual(["D/b.conf:2: Include: D/a.conf: Include cycle: D/a.conf -> D/b.conf -> D/a.conf"]);
  });

  test("a cycle through a symbolic link is still a cycle", () => {
    const dir = writeTree({ "tsmod.conf": "Listen 0\nInclude link.conf\n" });
    fs.symlinkSync(path.join(dir, "tsmod.conf"), path.join(dir, "link.conf"));
    expect(loadErrors(dir)).toEqual(["D/tsmod.conf:2: Include: D/link.conf: Include cycle: D/tsmod.conf -> D/tsmod.conf"]);
  });

  test("the same file included twice (no cycle) is fine", () => {
    expect(optionsOf("Listen 0\nInclude a.conf\nInclude b.conf\n", { "a.conf": "Include c.conf\n", "b.conf": "Include c.conf\n", "c.conf": "TsOption c 1\n" })).toEqual(["c"]);
  });

  test("a chain deeper than 16 files is refused", () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 20; i++) files[`f${i}.conf`] = `Include f${i + 1}.conf\n`;
    files["f20.conf"] = "TsOption deep 1\n";
    const { errors } = errorsOf("Listen 0\nInclude f0.conf\n", files);
    expect(errors).toEqual(["D/f14.conf:1: Include: D/f15.conf: included more than 16 deep"]);
  });
});

describe("Include of folders and wildcards (Apache's rules)", () => {
  test("a folder: every entry, sorted, recursively, dot files too", () => {
    const files = {
      "conf.d/b.conf": "TsOption b 1\n",
      "conf.d/a.txt": "TsOption a 1\n",
      "conf.d/.dot": "TsOption dot 1\n",
      "conf.d/c/inner.conf": "TsOption inner 1\n",
      "conf.d/d.conf": "TsOption d 1\n",
    };
    expect(optionsOf("Listen 0\nInclude conf.d\n", files)).toEqual(["dot", "a", "b", "inner", "d"]);
  });

  test("an empty folder includes nothing", () => {
    expect(errorsOf("Listen 0\nInclude empty\n", { "empty/.keep": "" }).errors).toEqual([]);
  });

  test("a wildcard: sorted matches, no dot files unless the pattern starts with a dot, matched folders recursed", () => {
    const files = {
      "conf.d/20.conf": "TsOption twenty 1\n",
      "conf.d/10.conf": "TsOption ten 1\n",
      "conf.d/.hidden.conf": "TsOption hidden 1\n",
      "conf.d/15.conf/x": "TsOption folder 1\n",
      "conf.d/skip.txt": "TsOption skip 1\n",
    };
    expect(optionsOf("Listen 0\nInclude conf.d/*.conf\n", files)).toEqual(["ten", "folder", "twenty"]);
    expect(optionsOf("Listen 0\nInclude conf.d/.*.conf\n", files)).toEqual(["hidden"]);
  });

  test("a wildcard in a folder component matches folders only", () => {
    const files = { "sites/a/site.conf": "TsOption a 1\n", "sites/b/site.conf": "TsOption b 1\n", "sites/c.conf": "TsOption c 1\n" };
    expect(optionsOf("Listen 0\nInclude sites/*/site.conf\n", files)).toEqual(["a", "b"]);
  });

  test("no match: an error for Include, nothing for IncludeOptional", () => {
    expect(errorsOf("Listen 0\nInclude conf.d/*.conf\n", { "conf.d/x.txt": "" }).errors).toEqual(["D/tsmod.conf:2: Include: no matches for the wildcard '*.conf' in D/conf.d"]);
    expect(errorsOf("Listen 0\nInclude nowhere/*.conf\n").errors).toEqual([expect.stringMatching(/^D\/tsmod\.conf:2: Include: could not open directory D\/nowhere: /)]);
    expect(errorsOf("Listen 0\nIncludeOptional conf.d/*.conf\nIncludeOptional nowhere/*.conf\nIncludeOptional none.conf\n", { "conf.d/x.txt": "" }).errors).toEqual([]);
  });

  test("a missing file: an error for Include", () => {
    expect(errorsOf("Listen 0\nInclude none.conf\n").errors).toEqual(["D/tsmod.conf:2: Include: D/none.conf: cannot read: no such file"]);
  });

  test("a folder that contains itself through a symbolic link is refused, not walked forever", () => {
    const dir = writeTree({ "conf.d/a.conf": "TsOption a 1\n", "tsmod.conf": "Listen 0\nInclude conf.d\n" });
    fs.symlinkSync(path.join(dir, "conf.d"), path.join(dir, "conf.d/loop"));
    expect(loadErrors(dir)).toEqual(["D/tsmod.conf:2: Include: folder D/conf.d/loop includes itself (through a symbolic link)"]);
  });
});

describe("what a configuration file may contain", () => {
  test(`a file over ${MAX_CONFIG_FILE_BYTES / 1024 / 1024} MiB is refused without being read`, () => {
    const dir = writeTree({ "tsmod.conf": "Listen 0\nInclude big.conf\n" });
    fs.writeFileSync(path.join(dir, "big.conf"), "");
    fs.truncateSync(path.join(dir, "big.conf"), MAX_CONFIG_FILE_BYTES + 1);
    expect(loadErrors(dir)).toEqual(["D/tsmod.conf:2: Include: D/big.conf: larger than 8 MiB: not a configuration file"]);
  });

  test("a NUL byte in a line is an error at that line", () => {
    expect(errorsOf("Listen 0\nDocumentRoot /tmp/a\u0000b\nInclude \"x\u0000y\"\n").errors).toEqual([
      "D/tsmod.conf:2: a NUL byte in the line (is this a text file?)",
      "D/tsmod.conf:3: a NUL byte in the line (is this a text file?)",
    ]);
  });

  test("a handler module name too long for the file system is a FILE:LINE error", () => {
    const dir = writeTree({ "tsmod.conf": `Listen 0\n<Location /x>\n  TsHandler ${"m".repeat(5000)}\n</Location>\n` });
    expect(loadErrors(dir)).toEqual([expect.stringMatching(/^D\/tsmod\.conf:2: handler module 'm+' not found \(looked in /)]);
  });
});

describe("a configuration of any size is read in bounded time", () => {
  const timed = (fn: () => void): number => {
    const start = Date.now();
    fn();
    return Date.now() - start;
  };

  test("a megabyte-long unknown directive name: no quadratic 'did you mean'", () => {
    const dir = writeTree({ "tsmod.conf": `Listen 0\n${"A".repeat(1 << 20)}\n` });
    let errors: string[] = [];
    expect(timed(() => (errors = loadErrors(dir)))).toBeLessThan(2000);
    expect(errors).toEqual([expect.stringMatching(/^D\/tsmod\.conf:2: unknown directive 'AAAA+'$/)]);
  });

  test("a megabyte-long quoted argument with escapes", () => {
    const dir = writeTree({ "tsmod.conf": `Listen 0\nTsOption k "${'a\\"b\\\\'.repeat(1 << 17)}"\n` });
    let value: string | undefined;
    expect(timed(() => (value = loadConfig(path.join(dir, "tsmod.conf")).main.dir.options.get("k")))).toBeLessThan(2000);
    expect(value).toBe('a"b\\'.repeat(1 << 17));
  });

  test("Include / stops at the error limit instead of walking the whole disk", () => {
    // Folders are included recursively (Apache's rule); the first binaries reach the limit.
    const dir = writeTree({ "tsmod.conf": "Listen 0\nInclude /\n" });
    let errors: string[] = [];
    expect(timed(() => (errors = loadErrors(dir)))).toBeLessThan(5000);
    expect(errors).toHaveLength(101);
  });

  test("a flood of errors stops at 100, with a note", () => {
    const dir = writeTree({ "tsmod.conf": "Listen 0\n" + "<Location /x>\n".repeat(100000) });
    let errors: string[] = [];
    expect(timed(() => (errors = loadErrors(dir)))).toBeLessThan(5000);
    expect(errors).toHaveLength(101);
    expect(errors[100]).toBe("D/tsmod.conf:0: more errors not shown (only the first 100 are)");
  });
});
