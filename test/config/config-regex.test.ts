import * as path from "node:path";
import { ConfigRegex, compileWildcard } from "../../platform/config";
import { loadConfig } from "../helpers/config";
import { configErrors } from "../helpers/config";
import { writeTree } from "../helpers/site";

const load = (conf: string) => {
  const dir = writeTree({ "htdocs/.keep": "", "tsmod.conf": `Listen 0\n${conf}` });
  return loadConfig(path.join(dir, "tsmod.conf"));
};
const errorsOf = (conf: string): string[] => configErrors(() => load(conf));

/** Milliseconds `fn` takes. */
function timed(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

describe("configuration regexes: RE2 syntax, linear-time matching", () => {
  test.each([
    ["^/(a+)+b$", "/" + "a".repeat(5000)],
    ["(a|a)*c", "a".repeat(5000)],
    ["^(\\w+\\s?)*$", "word ".repeat(1000) + "!"],
    ["(.*a){12}b", "a".repeat(5000)],
  ])("%s against a hostile input answers at once", (source, input) => {
    const re = ConfigRegex.compile("test", source);
    expect(timed(() => expect(re.test(input)).toBe(false))).toBeLessThan(500);
    expect(timed(() => expect(re.exec(input)).toBeNull())).toBeLessThan(500);
  });

  test("the syntax Apache users write: groups, named groups, (?i), anchors, classes, \\d \\w \\s \\b", () => {
    const m = ConfigRegex.compile("t", "^/(?i)Docs/(?<year>\\d{4})/([\\w-]+)\\.html?$").exec("/docs/2024/my-page.htm");
    expect(m?.[1]).toBe("2024");
    expect(m?.[2]).toBe("my-page");
    expect(m?.groups?.year).toBe("2024");
    expect(ConfigRegex.compile("t", "\\bfoo\\b").test("a foo b")).toBe(true);
    expect(ConfigRegex.compile("t", "[[:alpha:]]+\\s[^/]").test("ab c")).toBe(true);
    expect(ConfigRegex.compile("t", "(x)|(y)").exec("y")).toEqual(expect.arrayContaining(["y", undefined, "y"]));
  });

  test("replacements follow String#replace: $1, $&, $$, first or every match", () => {
    const re = ConfigRegex.compile("t", "(\\d+)");
    expect(re.replace("a1b22", "<$1>", false)).toBe("a<1>b22");
    expect(re.replace("a1b22", "[$&$$]", true)).toBe("a[1$]b[22$]");
  });

  test.each([
    ["(a)\\1", /backreferences inside a pattern .* are not supported/],
    ["^/(?!admin)", /lookahead .* is not supported/],
    ["(?=x)y", /lookahead .* is not supported/],
    ["(?<=/)x", /lookbehind .* is not supported/],
    ["(?<!/)x", /lookbehind .* is not supported/],
    ["(?>ab)", /atomic groups .* are not supported/],
    ["a++b", /possessive quantifiers .* are not supported/],
    ["a{2}+", /possessive quantifiers .* are not supported/],
    ["(?R)", /recursion .* is not supported/],
    ["(", /missing closing \)/],
    ["(.{1000}){1000}", /invalid repeat count/],
    ["x.{600}y.{600}z", /too large \(program size \d+, at most 1000\)/],
  ])("%s is refused, naming the construct", (source, reason) => {
    expect(() => ConfigRegex.compile("<LocationMatch>", source)).toThrow(reason);
    expect(() => ConfigRegex.compile("<LocationMatch>", source)).toThrow(`<LocationMatch>: `);
  });

  test("every configuration regex is checked at load, with FILE:LINE", () => {
    expect(
      errorsOf(`<LocationMatch "^/(?!x)">
</LocationMatch>
<Location ~ "(a)\\1">
</Location>
<DirectoryMatch "(?<=a)">
</DirectoryMatch>
<Files ~ "a++">
</Files>
<FilesMatch "(">
</FilesMatch>
AliasMatch "(?=a)" /x
RedirectMatch "(b)\\1" /y
Header edit X-A "(?!a)" b
Header echo "(?<=X-)A"
`),
    ).toEqual([
      expect.stringMatching(/^conf:2: <LocationMatch>: invalid regular expression '\^\/\(\?!x\)': lookahead/),
      expect.stringMatching(/^conf:4: <Location>: invalid regular expression '\(a\)\\1': backreferences/),
      expect.stringMatching(/^conf:6: <DirectoryMatch>: .*lookbehind/),
      expect.stringMatching(/^conf:8: <Files>: .*possessive/),
      expect.stringMatching(/^conf:10: <FilesMatch>: .*missing closing \)/),
      expect.stringMatching(/^conf:12: AliasMatch: .*lookahead/),
      expect.stringMatching(/^conf:13: RedirectMatch: .*backreferences/),
      expect.stringMatching(/^conf:14: Header: .*lookahead/),
      expect.stringMatching(/^conf:15: Header: .*lookbehind/),
    ]);
  });

  test("a <LocationMatch> with a catastrophic pattern loads and matches a long URL at once", () => {
    const cfg = load(`<LocationMatch "^/(a+)+b$">\n  TsOption hit 1\n</LocationMatch>\n<LocationMatch "(?i)^/CASE">\n  TsOption case 1\n</LocationMatch>\n`);
    const lookup = cfg.main.lookup;
    expect(timed(() => expect(lookup.forLocation("/" + "a".repeat(40)).options.has("hit")).toBe(false))).toBeLessThan(500);
    expect(lookup.forLocation("/aaab").options.get("hit")).toBe("1");
    expect(lookup.forLocation("/case/x").options.get("case")).toBe("1");
  });
});

describe("wildcards (<Files>, <Directory>, ServerAlias, Include)", () => {
  test.each([
    ["*.conf", "a.conf", true],
    ["*.conf", "a/b.conf", false],
    ["a?c", "abc", true],
    ["a?c", "a/c", false],
    ["[a-c]x", "bx", true],
    ["[!a-c]x", "dx", true],
    ["[!a-c]x", "/x", false],
    ["[z-a]x", "zx", false],
    ["[]]x", "]x", true],
    ["[x", "[x", true],
    ["f.o(x)|y+", "f.o(x)|y+", true],
    ["f.o", "fxo", false],
    ["*.example.com", "www.example.com", true],
    ["\u{1F600}?", "\u{1F600}a", true],
    ["[\u{1F600}]", "\u{1F600}", true],
  ])("%s on %s: %s", (pattern, input, expected) => {
    expect(compileWildcard(pattern).test(input)).toBe(expected);
  });

  test("many stars against a long name answer at once (no polynomial backtracking)", () => {
    const re = compileWildcard("*a*a*a*a*a*a*a*a*a*a*a*a*b");
    expect(timed(() => expect(re.test("a".repeat(8000))).toBe(false))).toBeLessThan(500);
  });
});
