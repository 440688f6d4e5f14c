/*
 * A 100 MB response through an output filter with flat memory: the client reads slowly at
 * first and then discards as fast as it can; backpressure must hold the handler back, so the
 * server never holds more than a few chunks per filter.
 */
import * as http from "node:http";
import { request, startSite, type TestSite } from "../helpers/site";

const TOTAL = 100 * 1024 * 1024;
const CHUNK = 64 * 1024;

const FILES = {
  "filters.ts": `
import type { Filter } from "tsmod";
export async function upper(filter: Filter) {
  for await (const chunk of filter) await filter.write(Buffer.from(chunk.toString("latin1").toUpperCase(), "latin1"));
}
`,
  "app.ts": `
import { OK, type Request } from "tsmod";
export async function small(req: Request) {
  await req.write("warm up");
  return OK;
}
export async function huge(req: Request) {
  // A fresh buffer per write: a queue holding them would show in memory.
  for (let sent = 0; sent < ${TOTAL}; sent += ${CHUNK}) await req.write(Buffer.alloc(${CHUNK}, "a"));
  return OK;
}
`,
};

let site: TestSite;

beforeAll(async () => {
  site = await startSite(
    `DocumentRoot @DIR@
TsOutputFilter filters::upper UPPER
<Location /huge>
  SetHandler tsmod
  TsHandler app::huge
  SetOutputFilter UPPER
</Location>
<Location /small>
  SetHandler tsmod
  TsHandler app::small
  SetOutputFilter UPPER
</Location>`,
    FILES,
  );
  // Compiles the modules, so what the test measures is the transfer alone.
  expect((await request(site, "/small")).body).toBe("WARM UP");
});

afterAll(() => site.close());

/** JavaScript-held memory: the heap plus Buffers' backing stores. */
function held(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

test("100 MB through a filter: every byte arrives filtered, memory stays flat", async () => {
  const baseline = held();
  let peak = baseline;
  let whilePaused = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, held())), 10);
  try {
    const result = await new Promise<{ bytes: number; allUpper: boolean }>((resolve, reject) => {
      const req = http.get({ host: "127.0.0.1", port: site.port, path: "/huge", agent: false }, (res) => {
        let bytes = 0;
        let allUpper = true;
        let paused = false;
        res.on("data", (c: Buffer) => {
          bytes += c.length;
          if (c.includes(0x61 /* a */)) allUpper = false;
          // A slow reader for a while: without backpressure the server would race ahead and buffer.
          if (!paused && bytes > 1024 * 1024) {
            paused = true;
            res.pause();
            setTimeout(() => {
              whilePaused = held() - baseline;
              res.resume();
            }, 300);
          }
        });
        res.on("end", () => resolve({ bytes, allUpper }));
        res.on("error", reject);
      });
      req.on("error", reject);
    });
    expect(result.bytes).toBe(TOTAL);
    expect(result.allUpper).toBe(true);
  } finally {
    clearInterval(sampler);
  }
  // While the client does not read, the handler must wait: only the chunks in flight are held.
  expect(whilePaused).toBeLessThan(24 * 1024 * 1024);
  // Buffering the body anywhere would add at least 100 MB; chunks in flight and garbage not yet
  // collected stay well below that.
  expect(peak - baseline).toBeLessThan(64 * 1024 * 1024);
}, 30_000);
