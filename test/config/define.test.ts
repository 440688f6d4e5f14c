import * as fs from "node:fs";
import * as path from "node:path";
import { configErrors, loadConfig } from "../helpers/config";
import { writeTree } from "../helpers/site";

function write(conf: string): string {
  const dir = writeTree({ "htdocs/.keep": "", "tsmod.conf": "" });
  fs.writeFileSync(path.join(dir, "tsmod.conf"), conf.replace(/@DIR@/g, dir));
  return path.join(dir, "tsmod.conf");
}

describe("Define and ${NAME}", () => {
  test("a defined value replaces ${NAME} in directive and section arguments", () => {
    const file = write('Define root "@DIR@/htdocs"\nDefine app /app\nListen 0\nDocumentRoot ${root}\n<Location ${app}/x>\nTsOption where "in ${app}"\n</Location>\n');
    const cfg = loadConfig(file);
    expect(cfg.main.documentRoot).toBe(path.join(path.dirname(file), "htdocs"));
    expect(cfg.main.lookup.forLocation("/app/x").options.get("where")).toBe("in /app");
  });

  test("Define NAME holds for <IfDefine>, like -D NAME; UnDefine takes it back", () => {
    const file = write("Listen 0\nDefine FOO\n<IfDefine FOO>\nTsOption a 1\n</IfDefine>\nUnDefine FOO\n<IfDefine FOO>\nTsOption b 1\n</IfDefine>\n");
    const opts = loadConfig(file).main.dir.options;
    expect(opts.get("a")).toBe("1");
    expect(opts.has("b")).toBe(false);
  });

  test("the process environment is the fallback, as in Apache", () => {
    process.env.TSMOD_TEST_DEFINE_ENV = "from-env";
    try {
      const file = write("Listen 0\nTsOption e ${TSMOD_TEST_DEFINE_ENV}\n");
      expect(loadConfig(file).main.dir.options.get("e")).toBe("from-env");
    } finally {
      delete process.env.TSMOD_TEST_DEFINE_ENV;
    }
  });

  test("an undefined name is an error at its line, not left in place; skipped sections are not looked at", () => {
    const file = write("Listen 0\nTsOption x ${NOPE_NOT_DEFINED}\n<IfDefine NEVER>\nTsOption y ${ALSO_NOT}\n</IfDefine>\nDefine 'a b' 1\n");
    expect(configErrors(() => loadConfig(file))).toEqual([
      "conf:2: TsOption: ${NOPE_NOT_DEFINED} is not defined (Define NOPE_NOT_DEFINED VALUE earlier, or set the environment variable)",
      "conf:6: Define: 'a b' is not a variable name (letters, digits, '_', '.', '-')",
    ]);
  });

  test("${map:key} (RewriteMap's syntax) is left alone", () => {
    const file = write("Listen 0\nTsOption m ${map:key}\n");
    expect(loadConfig(file).main.dir.options.get("m")).toBe("${map:key}");
  });
});
