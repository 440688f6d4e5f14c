/*
 * The `| .ext` extension and the AddHandler lookup, which the request path computes with
 * string scans and per-configuration caches instead of path.basename: checked against the
 * plain definition on awkward names.
 */
import * as path from "node:path";
import { handlerExtension, handlerFor } from "../../platform/server/content-type";
import type { DirConfig } from "../../platform/config/model";

const NAMES = ["/a/b.PSP", "/a/b", "/a/my.dir/", "/a/.hidden", "/a/x.tar.gz", "/", "/a.b/c", "x.ts", "/a/b.ts//", "/a/b.", "/a/.x.y"];

test.each(NAMES)("handlerExtension(%j) is everything after the first dot of the last name", (name) => {
  const base = path.basename(name);
  const dot = base.indexOf(".");
  expect(handlerExtension(name)).toBe(dot <= 0 ? "" : base.slice(dot).toLowerCase());
});

test("handlerFor: the last configured extension wins, answers stay right when asked again", () => {
  const dir = { addHandlers: new Map([[".psp", "tsmod"], [".bak", ""]]) } as unknown as DirConfig;
  for (let round = 0; round < 2; round++) {
    expect(handlerFor(dir, "/site/page.psp")).toBe("tsmod");
    expect(handlerFor(dir, "/site/page.psp.bak")).toBeNull();
    expect(handlerFor(dir, "/site/page.bak.PSP")).toBe("tsmod");
    expect(handlerFor(dir, "/site/page.txt")).toBeNull();
  }
  const other = { addHandlers: new Map([[".txt", "text-handler"]]) } as unknown as DirConfig;
  expect(handlerFor(other, "/site/page.txt")).toBe("text-handler");
  expect(handlerFor(other, "/site/page.psp")).toBeNull();
});
