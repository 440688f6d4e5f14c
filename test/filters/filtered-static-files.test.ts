/*
 * Static files through output filters: validators and byte ranges describe what is actually
 * sent. A filter that changes the body makes the ETag weak, drops Accept-Ranges and makes a
 * Range header be ignored (200 with the whole filtered body); a filter that declines leaves
 * the file's strong ETag and its ranges alone.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { gunzipSync } from "node:zlib";
import { request, startSite, type TestSite } from "../helpers/site";

const FILTERS = `
import type { Filter } from "tsmod";

export async function upper(filter: Filter) {
  for await (const chunk of filter) await filter.write(chunk.toString("latin1").toUpperCase());
}

/** Declines: never reads, so the body passes on untouched. */
export function decline(filter: Filter) {
  filter.req.headersOut.set("X-Declined", filter.name);
}
`;

const TEXT = "abcdefghijklmnopqrstuvwxyz\n";
const BIG = "static text that compresses well. ".repeat(600);
const PNG = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7) % 256));

let site: TestSite;

beforeAll(async () => {
  site = await startSite(
    `
DocumentRoot @DIR@
TsOutputFilter filters::upper UPPER
TsOutputFilter filters::decline DECLINE
TsOutputFilter tsmod/filters/gzip GZIP
AddOutputFilter UPPER .txt
AddOutputFilter DECLINE .bin
<Directory @DIR@/gz>
  SetOutputFilter GZIP
</Directory>
`,
    { "filters.ts": FILTERS, "letters.txt": TEXT, "data.bin": "0123456789abcdef", "gz/big.css": BIG },
  );
  fs.writeFileSync(path.join(site.dir, "gz/photo.png"), PNG);
});

afterAll(() => site.close());

const get = (p: string, headers: Record<string, string> = {}, method = "GET") => request(site, p, { headers, method });

describe("a filter that changes a static file's body", () => {
  test("weak ETag, no Accept-Ranges, and the length of the filtered body", async () => {
    const r = await get("/letters.txt");
    expect(r.status).toBe(200);
    expect(r.body).toBe(TEXT.toUpperCase());
    expect(r.headers.etag).toMatch(/^W\/"[0-9a-f]+-1b-[0-9a-f]+"$/);
    expect(r.headers["accept-ranges"]).toBeUndefined();
    expect(Number(r.headers["content-length"])).toBe(r.raw.length);
    expect(r.headers["last-modified"]).toBeDefined();
  });

  test("a Range header is ignored: 200 with the whole filtered body, never bytes of the unfiltered file", async () => {
    for (const range of ["bytes=0-9", "bytes=-5", "bytes=0-1,4-5", "bytes=100-"]) {
      const r = await get("/letters.txt", { Range: range });
      expect([range, r.status, r.body, r.headers["content-range"]]).toEqual([range, 200, TEXT.toUpperCase(), undefined]);
    }
  });

  test("If-None-Match compares with the weak ETag that was sent: 304, no body", async () => {
    const { headers } = await get("/letters.txt");
    const again = await get("/letters.txt", { "If-None-Match": headers.etag! });
    expect([again.status, again.raw.length, again.headers.etag]).toEqual([304, 0, headers.etag]);
    // Weak comparison: the same tag without W/ matches too; another tag does not.
    expect((await get("/letters.txt", { "If-None-Match": headers.etag!.slice(2) })).status).toBe(304);
    expect((await get("/letters.txt", { "If-None-Match": '"other"' })).status).toBe(200);
  });

  test("If-Range and If-Match need a strong validator, which a filtered body does not have", async () => {
    const { headers } = await get("/letters.txt");
    const strong = headers.etag!.slice(2);
    const ranged = await get("/letters.txt", { Range: "bytes=0-3", "If-Range": strong });
    expect([ranged.status, ranged.body]).toEqual([200, TEXT.toUpperCase()]);
    expect((await get("/letters.txt", { "If-Match": strong })).status).toBe(412);
    expect((await get("/letters.txt", { "If-Match": headers.etag! })).status).toBe(412);
  });

  test("HEAD gets the headers GET gets", async () => {
    const head = await get("/letters.txt", {}, "HEAD");
    const full = await get("/letters.txt");
    expect(head.raw.length).toBe(0);
    expect([head.headers.etag, head.headers["accept-ranges"]]).toEqual([full.headers.etag, undefined]);
  });
});

describe("a filter that declines", () => {
  test("the file's strong ETag, Accept-Ranges, and ranges of the file", async () => {
    const r = await get("/data.bin", { Range: "bytes=2-5" });
    expect([r.status, r.body, r.headers["content-range"]]).toEqual([206, "2345", "bytes 2-5/16"]);
    expect(r.headers["x-declined"]).toBe("DECLINE");
    expect(r.headers.etag).toMatch(/^"[0-9a-f]+-10-[0-9a-f]+"$/);
    expect(r.headers["accept-ranges"]).toBe("bytes");
    const ifRange = await get("/data.bin", { Range: "bytes=0-0", "If-Range": r.headers.etag! });
    expect([ifRange.status, ifRange.body]).toEqual([206, "0"]);
  });
});

describe("the gzip filter and ranges", () => {
  const gz = { "Accept-Encoding": "gzip" };

  test("compressing: a Range is ignored and the whole file comes gzipped, with a weak ETag", async () => {
    const r = await get("/gz/big.css", { ...gz, Range: "bytes=0-9" });
    expect(r.status).toBe(200);
    expect(r.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(r.raw).toString()).toBe(BIG);
    expect(r.headers["content-range"]).toBeUndefined();
    expect(r.headers["accept-ranges"]).toBeUndefined();
    expect(r.headers.etag).toMatch(/^W\//);
    expect((await get("/gz/big.css", { ...gz, "If-None-Match": r.headers.etag! })).status).toBe(304);
  });

  test("a client that does not take gzip gets the file's ranges (gzip declines)", async () => {
    const r = await get("/gz/big.css", { Range: "bytes=0-9" });
    expect([r.status, r.body, r.headers["content-range"]]).toEqual([206, BIG.slice(0, 10), `bytes 0-9/${BIG.length}`]);
    expect(r.headers.etag).toMatch(/^"/);
    expect(r.headers["accept-ranges"]).toBe("bytes");
  });

  test("an already-compressed type keeps its ranges even for a gzip client (seeking in media)", async () => {
    const r = await get("/gz/photo.png", { ...gz, Range: "bytes=100-199" });
    expect(r.status).toBe(206);
    expect(r.raw.equals(PNG.subarray(100, 200))).toBe(true);
    expect(r.headers["content-encoding"]).toBeUndefined();
  });
});
