import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PSP, PSPCache, type PSPOptions } from "../../psp-templates";
import { FakeRequest } from "./fake-request";

describe("compile cache and recompilation", () => {
  let dir: string;
  let clock = Date.now() / 1000;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "psp-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Writes a file with a later mtime than anything written before. */
  function write(name: string, text: string): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    clock += 10;
    fs.utimesSync(file, clock, clock);
    return file;
  }

  const render = (file: string, options: PSPOptions) => new PSP(new FakeRequest(file), undefined, {}, options).render();

  test("a changed page is recompiled", async () => {
    const cache = new PSPCache({ checkInterval: 0 });
    const page = write("page.psp", "one");
    expect(await render(page, { cache })).toBe("one");
    write("page.psp", "two");
    expect(await render(page, { cache })).toBe("two");
  });

  test("a changed included file recompiles the page that includes it", async () => {
    const cache = new PSPCache({ checkInterval: 0 });
    write("part.psp", "old part");
    const page = write("page.psp", '[<%@ include file="part.psp" %>]');
    expect(await render(page, { cache })).toBe("[old part]");
    write("part.psp", "new part");
    expect(await render(page, { cache })).toBe("[new part]");
  });

  test("checkChanges: false (TsAutoReload Off) keeps the compiled page", async () => {
    const cache = new PSPCache({ checkInterval: 0 });
    const page = write("page.psp", "one");
    expect(await render(page, { cache, checkChanges: false })).toBe("one");
    write("page.psp", "two");
    expect(await render(page, { cache, checkChanges: false })).toBe("one");
  });

  test("files are looked at no more than once per checkInterval", async () => {
    const cache = new PSPCache({ checkInterval: 60_000 });
    const page = write("page.psp", "one");
    expect(await render(page, { cache })).toBe("one");
    write("page.psp", "two");
    expect(await render(page, { cache })).toBe("one");
  });

  test("a fixed syntax error compiles on the next render", async () => {
    const cache = new PSPCache({ checkInterval: 0 });
    const page = write("page.psp", "<% let = %>");
    await expect(render(page, { cache })).rejects.toThrow("SyntaxError");
    write("page.psp", "fixed");
    expect(await render(page, { cache })).toBe("fixed");
  });

  test("the cache keeps at most maxEntries pages, dropping the least recently used", async () => {
    const cache = new PSPCache({ maxEntries: 2 });
    const [a, b, c] = ["a", "b", "c"].map((n) => write(`${n}.psp`, n));
    await render(a, { cache });
    await render(b, { cache });
    await render(a, { cache });
    await render(c, { cache });
    expect(cache.size).toBe(2);
    write("a.psp", "a2");
    write("b.psp", "b2");
    // a was used recently, so still cached (and not re-checked within the interval); b was dropped.
    expect([await render(a, { cache }), await render(b, { cache })]).toEqual(["a", "b2"]);
  });
});
