/*
 * RequestReadTimeout (mod_reqtimeout): Apache's syntax and checks, Apache's defaults, and a
 * virtual host inheriting the stages it does not set.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { loadConfig, type TestConfig } from "../helpers/config";
import { configErrors } from "../helpers/config";
import { writeTree } from "../helpers/site";

function load(conf: string): TestConfig {
  const dir = writeTree({ "htdocs/.keep": "" });
  fs.writeFileSync(path.join(dir, "tsmod.conf"), conf);
  return loadConfig(path.join(dir, "tsmod.conf"));
}

test("the default is Apache 2.4's: header=20-40,MinRate=500 body=20,MinRate=500", () => {
  const { main } = load("Listen 0\n");
  expect(main.headerReadTimeout).toEqual({ initial: 20, max: 40, minRate: 500 });
  expect(main.bodyReadTimeout).toEqual({ initial: 20, max: 0, minRate: 500 });
});

test.each([
  ["header=10", { initial: 10, max: 0, minRate: 0 }],
  ["header=10,MinRate=100", { initial: 10, max: 0, minRate: 100 }],
  ["header=10-30,minrate=1000", { initial: 10, max: 30, minRate: 1000 }],
])("%s", (arg, stage) => {
  const { main } = load(`Listen 0\nRequestReadTimeout ${arg}\n`);
  expect(main.headerReadTimeout).toEqual(stage);
  expect(main.bodyReadTimeout).toEqual({ initial: 20, max: 0, minRate: 500 });
});

test("0 disables a stage; a virtual host inherits the stages it does not set", () => {
  const cfg = load("Listen 0\nRequestReadTimeout header=5 body=0\n<VirtualHost *>\n  ServerName v\n  RequestReadTimeout body=7,MinRate=10\n</VirtualHost>\n");
  expect(cfg.main.bodyReadTimeout).toBeNull();
  expect(cfg.main.headerReadTimeout).toEqual({ initial: 5, max: 0, minRate: 0 });
  expect(cfg.vhosts[0].headerReadTimeout).toEqual({ initial: 5, max: 0, minRate: 0 });
  expect(cfg.vhosts[0].bodyReadTimeout).toEqual({ initial: 7, max: 0, minRate: 10 });
});

test("errors are Apache's, with file and line", () => {
  const errors = configErrors(() =>
    load(
      [
        "Listen 0",
        "RequestReadTimeout header",
        "RequestReadTimeout trailer=5",
        "RequestReadTimeout handshake=5",
        "RequestReadTimeout header=10-20",
        "RequestReadTimeout header=20-10,MinRate=5",
        "RequestReadTimeout body=5,MinRate=0",
        "RequestReadTimeout body=five",
        "RequestReadTimeout body=5,MinRate=fast",
        "<Location /x>",
        "  RequestReadTimeout body=5",
        "</Location>",
        "",
      ].join("\n"),
    ),
  );
  expect(errors).toEqual([
    "conf:2: RequestReadTimeout: 'header' is not stage=value (header=... or body=...)",
    "conf:3: RequestReadTimeout: unknown stage 'trailer'; use header= or body=",
    "conf:4: RequestReadTimeout: unknown stage 'handshake'; use header= or body= (tsmod serves no TLS of its own, so there is no handshake stage)",
    "conf:5: RequestReadTimeout: header=10-20: a timeout range (T-maxT) needs MinRate",
    "conf:6: RequestReadTimeout: header=20-10,MinRate=5: the maximum timeout must be larger than the initial timeout",
    "conf:7: RequestReadTimeout: body=5,MinRate=0: the minimum data rate must be larger than 0",
    "conf:8: RequestReadTimeout: body=five: the timeout must be a whole number, not 'five'",
    "conf:9: RequestReadTimeout: body=5,MinRate=fast: MinRate must be a whole number, not 'fast'",
    "conf:11: RequestReadTimeout is not allowed inside <Location>",
  ]);
});
