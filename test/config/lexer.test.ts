import { ConfigError } from "../../platform/errors";
import { lexConfig } from "../../platform/config/lexer";

function lex(text: string) {
  const errors: ConfigError[] = [];
  const lines = lexConfig(text, "t.conf", errors);
  return { lines, errors: errors.map((e) => e.message) };
}

describe("config lexer", () => {
  test("comments and blank lines are dropped; line numbers kept", () => {
    const { lines } = lex("# c\n\n  Listen 80\n   # indented comment\nServerName x\n");
    expect(lines.map((l) => [l.name, l.args, l.line])).toEqual([
      ["Listen", ["80"], 3],
      ["ServerName", ["x"], 5],
    ]);
  });

  test("backslash continuations join lines and report the first line", () => {
    const { lines } = lex("TsHandler a \\\n   b \\\n   c\nX y");
    expect(lines[0]).toMatchObject({ name: "TsHandler", args: ["a", "b", "c"], line: 1 });
    expect(lines[1]).toMatchObject({ name: "X", line: 4 });
  });

  test("double and single quotes group words; escaped quotes inside", () => {
    const { lines } = lex(`TsOption key "a value with \\"quotes\\"" 'single one' bare`);
    expect(lines[0].args).toEqual(["key", 'a value with "quotes"', "single one", "bare"]);
  });

  test("empty quoted argument stays an argument", () => {
    expect(lex(`TsOption key ""`).lines[0].args).toEqual(["key", ""]);
  });

  test("section openings and closings", () => {
    const { lines } = lex(`<Directory "/var/www">\n</Directory>\n<Location ~ "^/x">`);
    expect(lines.map((l) => [l.kind, l.name, l.args])).toEqual([
      ["open", "Directory", ["/var/www"]],
      ["close", "Directory", []],
      ["open", "Location", ["~", "^/x"]],
    ]);
  });

  test("syntax errors carry file and line", () => {
    const { errors } = lex(`ok 1\nTsOption "unterminated\n<Directory /x\n</ bad bad>`);
    expect(errors).toEqual([
      't.conf:2: unterminated quoted argument: "unterminated',
      "t.conf:3: section opening lacks a closing '>': <Directory /x",
      "t.conf:4: malformed section closing: </ bad bad>",
    ]);
  });
});
