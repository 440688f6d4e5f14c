import * as fs from "node:fs";
import * as path from "node:path";
import { configErrors, loadConfig, type TestConfig } from "../helpers/config";
import { writeTree } from "../helpers/site";

function load(conf: string, files: Record<string, string> = {}, defines: string[] = []): { cfg: TestConfig; dir: string } {
  const dir = writeTree({ "htdocs/.keep": "", ...files, "tsmod.conf": conf.replace(/@DIR@/g, "") });
  const text = conf.replace(/@DIR@/g, dir);
  fs.writeFileSync(path.join(dir, "tsmod.conf"), text);
  return { cfg: loadConfig(path.join(dir, "tsmod.conf"), { defines }), dir };
}

const errorsOf = (conf: string, files: Record<string, string> = {}): string[] => configErrors(() => load(conf, files));

describe("config parser: errors", () => {
  test("a misspelled directive is reported with a suggestion", () => {
    expect(errorsOf("Listen 0\nTsHandlr foo\n")).toEqual(["conf:2: unknown directive 'TsHandlr' (did you mean 'TsHandler'?)"]);
  });

  test("wrong argument counts", () => {
    expect(errorsOf("Listen 0\nServerName a b\nTsDebug\n")).toEqual([
      "conf:2: ServerName takes exactly 1 argument, got 2",
      "conf:3: TsDebug takes exactly 1 argument, got 0",
    ]);
  });

  test("directives outside their context", () => {
    expect(errorsOf("Listen 0\n<Location /x>\n  Listen 81\n  TsTransHandler t\n</Location>\n", { "t.ts": "" })).toEqual([
      "conf:3: Listen is not allowed inside <Location>",
      "conf:4: TsTransHandler is not allowed inside <Location>",
    ]);
  });

  test("an unclosed section and a stray closing", () => {
    const errors = errorsOf("Listen 0\n</Files>\n<Directory /tmp>\n");
    expect(errors).toHaveLength(2);
    expect(errors[0]).toBe("conf:2: </Files> without matching <Files> section");
    expect(errors[1]).toMatch(/^conf:3: <Directory> is never closed \(expected <\/Directory> before the end of /);
  });

  test("a missing handler module is reported at its line, start refused", () => {
    expect(errorsOf("Listen 0\n<Location /x>\n  TsHandler app/missing\n</Location>\n")).toEqual([expect.stringMatching(/^conf:2: handler module 'app\/missing' not found/)]);
  });

  test("an unknown built-in module", () => {
    expect(errorsOf("Listen 0\nTsHandler tsmod/nope\n")).toEqual([expect.stringMatching(/no built-in handler module 'tsmod\/nope'/)]);
  });

  test("bad values: flags, numbers, Require forms, handler specs, regexes", () => {
    expect(
      errorsOf(`Listen 0
TsDebug maybe
LimitRequestBody lots
Require everyone
TsHandler "a::1bad"
<LocationMatch "(">
</LocationMatch>
TsHandler "x | py"
Listen nope:port
Require ip 300.1.1.1/99
`),
    ).toEqual([
      "conf:2: TsDebug: takes On or Off, not 'maybe'",
      "conf:3: LimitRequestBody: takes a whole number, not 'lots'",
      "conf:4: Require: unknown requirement 'everyone' (one of all, valid-user, user, group, ip, method, env)",
      "conf:5: TsHandler: invalid handler 'a::1bad': '1bad' is not a function name",
      expect.stringMatching(/^conf:6: <LocationMatch>: invalid regular expression/),
      "conf:8: TsHandler: extension 'py' must start with a dot",
      "conf:9: Listen: takes [address:]port, not 'nope:port'",
      "conf:10: Require: ip '300.1.1.1/99' is not an address, a network prefix or a CIDR range",
    ]);
  });

  test("every error is reported, not just the first", () => {
    expect(errorsOf("Listen 0\nBogus1 x\nBogus2 y\n<Nope>\n</Nope>\n")).toHaveLength(3);
  });

  test("no Listen is an error", () => {
    expect(errorsOf("ServerName x\n")).toEqual([expect.stringMatching(/no Listen directive/)]);
  });
});

describe("config parser: structure", () => {
  test("Include with a glob, relative to ServerRoot, sorted", () => {
    const { cfg } = load("Listen 0\nInclude conf.d/*.conf\n", {
      "conf.d/b.conf": "TsOption b 2\n",
      "conf.d/a.conf": "TsOption a 1\nTsOption b 1\n",
      "conf.d/skip.txt": "Bogus\n",
    });
    expect([...cfg.main.dir.options]).toEqual([
      ["a", "1"],
      ["b", "2"],
    ]);
    expect(cfg.files).toHaveLength(3);
  });

  test("errors inside an included file name that file", () => {
    const dir = writeTree({ "inc/x.conf": "\nNotADirective\n", "tsmod.conf": "Listen 0\nInclude inc/x.conf\n" });
    expect(() => loadConfig(path.join(dir, "tsmod.conf"))).toThrow(/inc\/x\.conf:2: unknown directive 'NotADirective'/);
  });

  test("IfDefine and IfModule", () => {
    const conf = "Listen 0\n<IfDefine FOO>\nTsOption foo 1\n</IfDefine>\n<IfDefine !FOO>\nTsOption nofoo 1\n</IfDefine>\n<IfModule tsmod>\nTsOption mod 1\n</IfModule>\n<IfModule mod_rewrite.c>\nRewriteEngine On\n</IfModule>\n";
    expect([...load(conf).cfg.main.dir.options.keys()]).toEqual(["nofoo", "mod"]);
    expect([...load(conf, {}, ["FOO"]).cfg.main.dir.options.keys()]).toEqual(["foo", "mod"]);
  });

  test("directive names are case-insensitive; relative paths resolve against ServerRoot", () => {
    const { cfg, dir } = load("listen 0\ndocumentroot htdocs\n");
    expect(cfg.main.documentRoot).toBe(path.join(dir, "htdocs"));
  });

  test("repeated handler directives in one section append; | .ext lists are separate", () => {
    const { cfg } = load("Listen 0\nTsHandler a b\nTsHandler c\nTsHandler \"d | .ts .js\"\n", { "a.ts": "", "b.ts": "", "c.ts": "", "d.ts": "" });
    expect(cfg.main.dir.handlers.get("TsHandler")!.map((e) => e.module)).toEqual(["a", "b", "c"]);
    expect(cfg.main.dir.handlers.get("TsHandler.ts")!.map((e) => e.module)).toEqual(["d"]);
    expect(cfg.main.dir.handlers.get("TsHandler.js")!.map((e) => e.module)).toEqual(["d"]);
  });

  test("virtual hosts inherit the main server's settings and sections", () => {
    const { cfg } = load("Listen 0\nServerName main\nTimeout 7\nTsOption o main\n<Location /m>\nTsOption loc 1\n</Location>\n<VirtualHost *>\nServerName v\nTsOption o v\n</VirtualHost>\n");
    const v = cfg.vhosts[0];
    expect(v.serverName).toBe("v");
    expect(v.timeout).toBe(7);
    expect(v.dir.options.get("o")).toBe("v");
    expect(v.sections).toHaveLength(1);
  });
});

describe("per-request merge (Apache order)", () => {
  const files = { "h.ts": "", "www/sub/deeper/x.txt": "" };
  const conf = `Listen 0
DocumentRoot www
TsOption level server
<Directory @DIR@/www/sub>
  TsOption level sub
  TsOption sub 1
  TsHandler h
</Directory>
<Directory @DIR@/www>
  TsOption level www
  TsOption www 1
  TsDebug On
</Directory>
<Directory @DIR@/www/sub/deeper>
  TsDebug Off
  <Files "*.txt">
    TsOption level files
  </Files>
</Directory>
<DirectoryMatch "/sub/$">
  TsOption level dirmatch
</DirectoryMatch>
<Location /sub>
  TsOption level location
</Location>
<Location /sub/deeper>
  TsOption level location2
</Location>`;

  test("Directory shortest first, then DirectoryMatch, Files, Location in file order", () => {
    const { cfg, dir } = load(conf, files);
    const lookup = cfg.main.lookup;
    const www = path.join(dir, "www");
    expect(lookup.forRequest("/x", path.join(www, "x"), false).options.get("level")).toBe("www");
    const sub = lookup.forRequest("/sub/y", path.join(www, "sub/y"), false);
    expect(sub.options.get("level")).toBe("location");
    expect(sub.options.get("www")).toBe("1");
    expect(sub.options.get("sub")).toBe("1");
    expect(sub.settings.get("TsDebug")).toBe("1");
    const deeper = lookup.forRequest("/other", path.join(www, "sub/deeper/x.txt"), false);
    expect(deeper.options.get("level")).toBe("files");
    expect(deeper.settings.get("TsDebug")).toBe("0");
    expect(deeper.handlers.get("TsHandler")!.map((e) => e.module)).toEqual(["h"]);
    expect(lookup.forRequest("/sub/deeper/x.txt", path.join(www, "sub/deeper/x.txt"), false).options.get("level")).toBe("location2");
  });

  test("a DirectoryMatch applies after the plain directories", () => {
    const { cfg, dir } = load(conf, files);
    const lookup = cfg.main.lookup;
    expect(lookup.forRequest("/z", path.join(dir, "www/sub/z"), false).options.get("level")).toBe("dirmatch");
  });

  test("<Location /a> covers /a and /a/... but not /ab", () => {
    const { cfg } = load("Listen 0\n<Location /a>\nTsOption hit 1\n</Location>\n");
    const lookup = cfg.main.lookup;
    expect(lookup.forLocation("/a").options.get("hit")).toBe("1");
    expect(lookup.forLocation("/a/b").options.get("hit")).toBe("1");
    expect(lookup.forLocation("/ab").options.get("hit")).toBeUndefined();
  });

  test("an inner handler list replaces the outer one for the same phase; other phases are inherited", () => {
    const { cfg } = load("Listen 0\nTsHandler a\nTsFixupHandler f\n<Location /x>\nTsHandler b\n</Location>\n", { "a.ts": "", "b.ts": "", "f.ts": "" });
    const merged = cfg.main.lookup.forLocation("/x");
    expect(merged.handlers.get("TsHandler")!.map((e) => e.module)).toEqual(["b"]);
    expect(merged.handlers.get("TsFixupHandler")!.map((e) => e.module)).toEqual(["f"]);
  });

  test("merged configs are computed once per combination of sections", () => {
    const { cfg } = load("Listen 0\n<Location /a>\nTsOption hit 1\n</Location>\n");
    const lookup = cfg.main.lookup;
    expect(lookup.forLocation("/a/1")).toBe(lookup.forLocation("/a/2"));
  });
});
