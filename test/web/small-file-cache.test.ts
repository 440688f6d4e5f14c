import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { MAX_CACHED_FILE, smallFileContents } from "../../platform/static/small-file-cache";

describe("the small-file cache of the default handler", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsmod-small-files-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("reads an unchanged file once, and again once its stat changed", async () => {
    const file = path.join(dir, "a.txt");
    fs.writeFileSync(file, "one");
    const first = await smallFileContents(file, fs.statSync(file));
    expect(first?.toString()).toBe("one");
    expect(await smallFileContents(file, fs.statSync(file))).toBe(first); // the same bytes, not read again
    fs.writeFileSync(file, "two");
    expect((await smallFileContents(file, fs.statSync(file)))?.toString()).toBe("two");
  });

  it("answers undefined when the file no longer matches the request's stat (changed while read)", async () => {
    const file = path.join(dir, "b.txt");
    fs.writeFileSync(file, "short");
    const st = fs.statSync(file);
    fs.writeFileSync(file, "much longer now");
    expect(await smallFileContents(file, st)).toBeUndefined();
  });

  it("keeps its memory bounded: the least recently sent files are dropped", async () => {
    const stats: [string, fs.Stats][] = [];
    for (let i = 0; i < 300; i++) {
      const file = path.join(dir, `big-${i}`);
      fs.writeFileSync(file, Buffer.alloc(MAX_CACHED_FILE, i));
      stats.push([file, fs.statSync(file)]);
    }
    const firsts = await Promise.all(stats.map(([f, st]) => smallFileContents(f, st)));
    // 300 x 64 KiB is beyond the 16 MiB bound: the oldest were let go, the newest kept.
    expect(await smallFileContents(...stats[0])).not.toBe(firsts[0]);
    expect(await smallFileContents(...stats[299])).toBe(firsts[299]);
  });
});
