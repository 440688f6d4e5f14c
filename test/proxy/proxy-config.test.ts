import * as fs from "node:fs";
import * as path from "node:path";
import { proxyModule } from "../../platform/proxy";
import { proxyFilename } from "../../platform/proxy/proxy-route";
import { loadConfig, type TestConfig } from "../helpers/config";
import { configErrors } from "../helpers/config";
import { writeTree } from "../helpers/site";

function load(conf: string): TestConfig {
  const dir = writeTree({ "tsmod.conf": conf });
  return loadConfig(path.join(dir, "tsmod.conf"));
}

const errorsOf = (conf: string): string[] => configErrors(() => load(conf));

describe("proxy directives", () => {
  test("bad uses are FILE:LINE errors", () => {
    expect(
      errorsOf(
        [
          "Listen 0",
          "ProxyPass http://b/",
          "ProxyPass app http://b/",
          "ProxyPass /a ftp://b/",
          "ProxyPass /a not-a-url",
          "ProxyPass /a http://b/?q=1",
          "<Directory /tmp>",
          "  ProxyPass http://b/",
          "</Directory>",
          "<Location /x>",
          "  ProxyPass /x http://b/",
          "</Location>",
          "<LocationMatch ^/y>",
          "  ProxyPass http://b/",
          "</LocationMatch>",
          "ProxyPreserveHost maybe",
          "ProxyTimeout 0",
          "",
        ].join("\n"),
      ),
    ).toEqual([
      "conf:2: ProxyPass: at server level, give a URL path and a backend URL (or a path and !)",
      "conf:3: ProxyPass: the URL path must start with '/', not 'app'",
      "conf:4: ProxyPass: unsupported scheme 'ftp:' (use http:// or https://)",
      "conf:5: ProxyPass: 'not-a-url' is not an absolute URL",
      "conf:6: ProxyPass: the backend URL may not have a query or fragment: 'http://b/?q=1'",
      "conf:8: ProxyPass: allowed at server level and inside <Location>, not inside <Directory>",
      "conf:11: ProxyPass: inside <Location>, give only the backend URL (the section's path is used)",
      "conf:14: ProxyPass: not supported inside a regular-expression or wildcard <Location>; use a plain path",
      "conf:16: ProxyPreserveHost: takes On or Off, not 'maybe'",
      "conf:17: ProxyTimeout: must be more than 0",
    ]);
  });

  test("the longest matching prefix wins, exclusions included, whatever the order", () => {
    const cfg = load("Listen 0\nProxyPass /app http://b:8080/x/\nProxyPass /app/static !\nProxyPass / ws://root/\n");
    const dir = cfg.main.dir;
    expect(proxyFilename(dir.plan.config(proxyModule).rules, "/app", null)).toBe("proxy:http://b:8080/x/");
    expect(proxyFilename(dir.plan.config(proxyModule).rules, "/app/y", "a=1")).toBe("proxy:http://b:8080/x/y?a=1");
    expect(proxyFilename(dir.plan.config(proxyModule).rules, "/app/static/s.css", null)).toBeNull();
    expect(proxyFilename(dir.plan.config(proxyModule).rules, "/apple", null)).toBe("proxy:http://root/apple");
  });

  test("a <Location> rule overrides a server rule for the same path", () => {
    const cfg = load("Listen 0\nProxyPass /app http://one/\n<Location /app>\n  ProxyPass http://two/\n</Location>\n");
    const loc = cfg.main.sections[0].config;
    expect(loc.proxyPass?.get("/app")?.target?.host).toBe("two");
    expect(cfg.main.dir.proxyPass?.get("/app")?.target?.host).toBe("one");
  });
});
