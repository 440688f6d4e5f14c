/*
 * The shipped gzip output filter (`tsmod/filters/gzip`) end to end, on handler output and on
 * static files.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { gunzipSync } from "node:zlib";
import { acceptsCoding } from "../../handlers/filters";
import { request, startSite, type TestSite } from "../helpers/site";

const APP = `
import { OK, type Request } from "tsmod";

/** ?n=<lines>: that many numbered lines, written in several pieces. */
export async function page(req: Request) {
  const n = Number(new URLSearchParams(req.args ?? "").get("n") ?? "1000");
  for (let i = 0; i < n; i += 100) {
    let piece = "";
    for (let j = i; j < Math.min(n, i + 100); j++) piece += "line " + j + " of a compressible page\\n";
    await req.write(piece);
  }
  return OK;
}

export async function encoded(req: Request) {
  req.headersOut.set("Content-Encoding", "br");
  await req.write("x".repeat(1000));
  return OK;
}
`;

function lines(n: number): string {
  let s = "";
  for (let j = 0; j < n; j++) s += `line ${j} of a compressible page\n`;
  return s;
}

const BIG = "static text that compresses well. ".repeat(600);
const PNG = Buffer.alloc(5000, 7);

let site: TestSite;

beforeAll(async () => {
  site = await startSite(
    `
DocumentRoot @DIR@
TsOutputFilter tsmod/filters/gzip GZIP
SetOutputFilter GZIP
ErrorDocument 404 "${"Nothing here. ".repeat(40)}"
<Location /app>
  SetHandler tsmod
  TsHandler app::page
</Location>
<Location /encoded>
  SetHandler tsmod
  TsHandler app::encoded
</Location>
`,
    { "app.ts": APP, "big.txt": BIG, "small.txt": "tiny\n" },
  );
  fs.writeFileSync(path.join(site.dir, "photo.png"), PNG);
});

afterAll(() => site.close());

const gz = { "accept-encoding": "gzip, deflate" };

describe("gzip filter", () => {
  test("compresses handler output; decompressed it equals the original", async () => {
    const r = await request(site, "/app?n=1000", { headers: gz });
    expect(r.status).toBe(200);
    expect(r.headers["content-encoding"]).toBe("gzip");
    expect(r.headers.vary).toBe("Accept-Encoding");
    expect(gunzipSync(r.raw).toString()).toBe(lines(1000));
    expect(r.raw.length).toBeLessThan(lines(1000).length / 3);
    // Small enough to be buffered whole: the length is the compressed body's.
    expect(Number(r.headers["content-length"])).toBe(r.raw.length);
  });

  test("streams a large response (chunked) and it still decompresses to the original", async () => {
    const r = await request(site, "/app?n=60000", { headers: gz });
    expect(r.headers["content-encoding"]).toBe("gzip");
    expect(r.headers["transfer-encoding"]).toBe("chunked");
    expect(gunzipSync(r.raw).toString()).toBe(lines(60000));
  });

  test("no Accept-Encoding: identity, but Vary tells caches the answer depends on it", async () => {
    const r = await request(site, "/app?n=1000");
    expect(r.headers["content-encoding"]).toBeUndefined();
    expect(r.headers.vary).toBe("Accept-Encoding");
    expect(r.body).toBe(lines(1000));
  });

  test.each([
    ["gzip;q=0", false],
    ["br", false],
    ["*", true],
    ["x-gzip", true],
    ["gzip;q=0.5, identity;q=1", false],
    ["gzip;q=1, identity;q=0.5", true],
  ])("Accept-Encoding %p → gzip %p", async (ae, zipped) => {
    const r = await request(site, "/app?n=500", { headers: { "accept-encoding": ae } });
    expect(r.headers["content-encoding"]).toBe(zipped ? "gzip" : undefined);
    expect(zipped ? gunzipSync(r.raw).toString() : r.body).toBe(lines(500));
  });

  test("tiny bodies go out as they are, unless identity is refused", async () => {
    const plain = await request(site, "/app?n=2", { headers: gz });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body).toBe(lines(2));
    const forced = await request(site, "/app?n=2", { headers: { "accept-encoding": "gzip, identity;q=0" } });
    expect(forced.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(forced.raw).toString()).toBe(lines(2));
  });

  test("a static file: compressed, Content-Length of the compressed body, ETag made weak", async () => {
    const r = await request(site, "/big.txt", { headers: gz });
    expect(r.status).toBe(200);
    expect(r.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(r.raw).toString()).toBe(BIG);
    expect(Number(r.headers["content-length"])).toBe(r.raw.length);
    expect(r.headers.etag).toMatch(/^W\/"/);
    // The weak validator still answers a conditional GET with 304 and no body.
    const again = await request(site, "/big.txt", { headers: { ...gz, "if-none-match": r.headers.etag as string } });
    expect(again.status).toBe(304);
    expect(again.raw.length).toBe(0);
  });

  test("a static file below the minimum size keeps its exact length, unencoded", async () => {
    const r = await request(site, "/small.txt", { headers: gz });
    expect(r.headers["content-encoding"]).toBeUndefined();
    expect(r.headers["content-length"]).toBe("5");
    expect(r.body).toBe("tiny\n");
  });

  test("already-compressed types are passed on untouched", async () => {
    const r = await request(site, "/photo.png", { headers: gz });
    expect(r.headers["content-type"]).toBe("image/png");
    expect(r.headers["content-encoding"]).toBeUndefined();
    expect(r.headers["content-length"]).toBe(String(PNG.length));
    expect(r.raw.equals(PNG)).toBe(true);
  });

  test("a body the handler encoded itself is not encoded twice", async () => {
    const r = await request(site, "/encoded", { headers: gz });
    expect(r.headers["content-encoding"]).toBe("br");
    expect(r.body).toBe("x".repeat(1000));
  });

  test("HEAD: the same headers as GET, no Content-Length, no body", async () => {
    const r = await request(site, "/big.txt", { method: "HEAD", headers: gz });
    expect(r.status).toBe(200);
    expect(r.headers["content-encoding"]).toBe("gzip");
    expect(r.headers.vary).toBe("Accept-Encoding");
    expect(r.headers["content-length"]).toBeUndefined();
    expect(r.raw.length).toBe(0);
  });

  test("an error page is compressed like any other body", async () => {
    const r = await request(site, "/missing.html", { headers: gz });
    expect(r.status).toBe(404);
    expect(r.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(r.raw).toString()).toBe("Nothing here. ".repeat(40));
  });
});

describe("Accept-Encoding negotiation", () => {
  test.each([
    [undefined, false, false],
    ["", false, false],
    ["gzip", true, false],
    ["GZIP;Q=0.8", true, false],
    ["deflate, gzip;q=0.000", false, false],
    ["*;q=0", false, true],
    ["identity;q=0", false, true],
    ["gzip, identity;q=0", true, true],
    ["*, gzip;q=0", false, false],
  ])("%p → use %p, identity refused %p", (header, use, refused) => {
    expect(acceptsCoding(header, "gzip")).toEqual({ use, identityRefused: refused });
  });
});
