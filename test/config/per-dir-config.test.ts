import { emptyDirConfig, perDirConfig } from "../../platform/config";

describe("perDirConfig", () => {
  test("derives a fact once per merged configuration and keeps each configuration's own", () => {
    const seen: unknown[] = [];
    const handlerCount = perDirConfig((dir) => {
      seen.push(dir);
      return dir.handlers.size;
    });
    const a = emptyDirConfig();
    const b = emptyDirConfig();
    b.handlers.set("TsHandler", []);
    expect(handlerCount(a)).toBe(0);
    expect(handlerCount(b)).toBe(1);
    // Asked again, even after the config changed: the first answer stands, nothing is derived.
    a.handlers.set("TsHandler", []);
    expect(handlerCount(a)).toBe(0);
    expect(handlerCount(b)).toBe(1);
    expect(seen).toEqual([a, b]);
  });
});
