import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { hashPassword, verifyPassword } from "../../handlers/user-database";
import { createModuleSet } from "../../index";
import { loadSiteConfig } from "../../platform/module";
import { configErrors } from "../helpers/config";

describe("scrypt hashes", () => {
  test("each hash has its own salt and carries its parameters; verification is by value", async () => {
    const a = await hashPassword("pw", { ln: 4, r: 8, p: 1 });
    const b = await hashPassword("pw", { ln: 5, r: 4, p: 2 });
    expect(a).toMatch(/^\$scrypt\$ln=4,r=8,p=1\$/);
    expect(b).toMatch(/^\$scrypt\$ln=5,r=4,p=2\$/);
    expect(a.split("$")[3]).not.toBe(b.split("$")[3]);
    expect(await verifyPassword("pw", a)).toBe(true);
    expect(await verifyPassword("pw", b)).toBe(true);
    expect(await verifyPassword("pW", a)).toBe(false);
  });

  test("a malformed row, or one asking for an absurd cost, never verifies", async () => {
    const good = await hashPassword("pw", { ln: 4, r: 8, p: 1 });
    expect(await verifyPassword("pw", good.replace("ln=4", "ln=40"))).toBe(false);
    expect(await verifyPassword("pw", "plain-text")).toBe(false);
    expect(await verifyPassword("pw", good.slice(0, -10))).toBe(false);
  });
});

describe("tsmod.auth.* options", () => {
  const errorsOf = (text: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsmod-auth-conf-"));
    fs.writeFileSync(path.join(dir, "tsmod.conf"), text);
    return configErrors(() => loadSiteConfig(path.join(dir, "tsmod.conf"), createModuleSet()));
  };

  // Options at the server level report the file (line 0: the core keeps no line per TsOption).
  test("malformed values are errors at the section's FILE:LINE", () => {
    expect(errorsOf("Listen 127.0.0.1:0\nTsOption tsmod.auth.cache_seconds soon\n")).toEqual([
      'conf:0: TsOption tsmod.auth.cache_seconds must be a number of seconds (0 or more), got "soon"',
    ]);
    expect(errorsOf("Listen 127.0.0.1:0\n<Location /x>\n  TsOption tsmod.auth.scrypt_cost 99\n</Location>\n")).toEqual([
      "conf:2: TsOption tsmod.auth.scrypt_cost: scrypt cost must be an integer from 1 to 20, got 99",
    ]);
    expect(errorsOf("Listen 127.0.0.1:0\nTsOption tsmod.auth.cache_seconds 5\n")).toEqual([]);
  });
});
