import * as fs from "node:fs";
import * as path from "node:path";
import { loadConfig, type TestConfig } from "../helpers/config";
import { configErrors } from "../helpers/config";
import { writeTree } from "../helpers/site";

function load(conf: string): TestConfig {
  const dir = writeTree({ "f.ts": "export function outputfilter() {}\n" });
  fs.writeFileSync(path.join(dir, "tsmod.conf"), `Listen 0\nDocumentRoot ${dir}\n${conf.replace(/@DIR@/g, dir)}`);
  return loadConfig(path.join(dir, "tsmod.conf"));
}

const errorsOf = (conf: string): string[] => configErrors(() => load(conf));

describe("filter directives", () => {
  test("registrations, Set and Add lists land in the per-directory config", () => {
    const cfg = load(`TsOutputFilter f Up
TsInputFilter "f::inputfilter In"
TsOutputFilter tsmod/filters/gzip GZIP
SetOutputFilter Up;GZIP
AddOutputFilter Up .TXT html
<Location /x>
  RemoveOutputFilter .txt
  SetInputFilter In
</Location>`);
    const dir = cfg.main.dir;
    expect(dir.outputFilters?.get("up")).toMatchObject({ name: "Up", entry: { module: "f", func: null } });
    expect(dir.inputFilters?.get("in")).toMatchObject({ name: "In", entry: { module: "f", func: "inputfilter" } });
    expect(dir.setOutputFilter).toEqual(["Up", "GZIP"]);
    expect([...(dir.addOutputFilters ?? [])]).toEqual([
      [".txt", ["Up"]],
      [".html", ["Up"]],
    ]);
    const section = cfg.main.sections[0].config;
    expect(section.addOutputFilters?.get(".txt")).toEqual([]);
    expect(section.setInputFilter).toEqual(["In"]);
  });

  test("malformed lines are FILE:LINE errors", () => {
    expect(errorsOf(`TsOutputFilter f
TsOutputFilter f A;B
SetOutputFilter "A B"
AddOutputFilter A
TsInputFilter f::bad-name X`)).toEqual([
      "conf:3: TsOutputFilter: expects a handler and a filter name: module[::function] NAME",
      "conf:4: TsOutputFilter: registers one filter name, not 'A;B'",
      "conf:5: SetOutputFilter: 'A B' is not a filter name (letters, digits, '_', '.', '+', '-')",
      "conf:6: AddOutputFilter takes at least 2 arguments, got 1",
      "conf:7: TsInputFilter: invalid handler 'f::bad-name': 'bad-name' is not a function name",
    ]);
  });

  test("a filter module that does not exist is reported at load", () => {
    expect(errorsOf("TsOutputFilter nowhere/missing X\nTsOutputFilter tsmod/nothing Y")).toEqual([
      expect.stringMatching(/^conf:3: handler module 'nowhere\/missing' not found/),
      expect.stringMatching(/^conf:4: no built-in handler module 'tsmod\/nothing'/),
    ]);
  });
});
