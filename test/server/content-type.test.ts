/*
 * The `| .ext` extension and the AddHandler lookup, which the request path computes with
 * string scans and per-configuration caches instead of path.basename: checked against the
 * plain definition on awkward names.
 */
import * as path from "node:path";
import { ConfigValues } from "../../platform/config";
import { CoreDir, coreDirectives } from "../../platform/core";
import { handlerExtension } from "../../platform/phases";

/** The core's reading of a place with these AddHandler extensions. */
function dirWithHandlers(byExtension: [string, string][]): CoreDir {
  return new CoreDir(new ConfigValues(new Map([[coreDirectives.AddHandler, new Map(byExtension)]])));
}

const NAMES = ["/a/b.PSP", "/a/b", "/a/my.dir/", "/a/.hidden", "/a/x.tar.gz", "/", "/a.b/c", "x.ts", "/a/b.ts//", "/a/b.", "/a/.x.y"];

test.each(NAMES)("handlerExtension(%j) is everything after the first dot of the last name", (name) => {
  const base = path.basename(name);
  const dot = base.indexOf(".");
  expect(handlerExtension(name)).toBe(dot <= 0 ? "" : base.slice(dot).toLowerCase());
});

test("handlerFor: the last configured extension wins, answers stay right when asked again", () => {
  const dir = dirWithHandlers([[".psp", "tsmod"], [".bak", ""]]);
  for (let round = 0; round < 2; round++) {
    expect(dir.handlerFor("/site/page.psp")).toBe("tsmod");
    expect(dir.handlerFor("/site/page.psp.bak")).toBeNull();
    expect(dir.handlerFor("/site/page.bak.PSP")).toBe("tsmod");
    expect(dir.handlerFor("/site/page.txt")).toBeNull();
  }
  const other = dirWithHandlers([[".txt", "text-handler"]]);
  expect(other.handlerFor("/site/page.txt")).toBe("text-handler");
  expect(other.handlerFor("/site/page.psp")).toBeNull();
});
