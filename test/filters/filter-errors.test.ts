/*
 * Filters that fail: before the first byte the client gets a 500 page, after it the connection
 * is cut; either way the error log names the filter and the server goes on serving.
 */
import * as http from "node:http";
import { request, startSite, type TestSite } from "../helpers/site";

const FILTERS = `
import type { Filter } from "tsmod";

export async function failEarly(filter: Filter) {
  await filter.read();
  throw new Error("boom early");
}

export async function failLate(filter: Filter) {
  let seen = 0;
  for await (const chunk of filter) {
    await filter.write(chunk);
    seen += chunk.length;
    if (seen > 300_000) throw new Error("boom late");
  }
}

export async function failAtEnd(filter: Filter) {
  for await (const chunk of filter) void chunk;
  throw new Error("boom at end");
}

export async function failInputLater(filter: Filter) {
  await filter.write("ab");
  await new Promise((r) => setTimeout(r, 20));
  throw new Error("boom input later");
}

export async function failInput(filter: Filter) {
  await filter.read();
  throw new Error("boom input");
}
`;

const APP = `
import { OK, type Request } from "tsmod";

export async function big(req: Request) {
  const chunk = Buffer.alloc(16 * 1024, "x");
  for (let i = 0; i < 64; i++) await req.write(chunk);
  return OK;
}

export async function hello(req: Request) {
  await req.write("hello");
  return OK;
}

/** Reads one byte, pauses (the filter fails meanwhile), then reads on. */
export async function slowEcho(req: Request) {
  const first = await req.read(1);
  await new Promise((r) => setTimeout(r, 100));
  await req.write(Buffer.concat([first, await req.read()]));
  return OK;
}

export async function echo(req: Request) {
  await req.write(await req.read());
  return OK;
}
`;

function section(location: string, handler: string, filter: string): string {
  return `<Location ${location}>
  SetHandler tsmod
  TsHandler app::${handler}
  ${filter}
</Location>`;
}

let site: TestSite;

beforeAll(async () => {
  site = await startSite(
    [
      "DocumentRoot @DIR@",
      "TsOutputFilter filters::failEarly FAIL_EARLY",
      "TsOutputFilter filters::failLate FAIL_LATE",
      "TsOutputFilter filters::failAtEnd FAIL_AT_END",
      "TsInputFilter filters::failInput FAIL_INPUT",
      "TsInputFilter filters::failInputLater FAIL_INPUT_LATER",
      section("/early", "big", "SetOutputFilter FAIL_EARLY"),
      section("/at-end", "hello", "SetOutputFilter FAIL_AT_END"),
      section("/late", "big", "SetOutputFilter FAIL_LATE"),
      section("/input", "echo", "SetInputFilter FAIL_INPUT"),
      section("/input-later", "slowEcho", "SetInputFilter FAIL_INPUT_LATER"),
      section("/unknown", "hello", "SetOutputFilter NO_SUCH_FILTER"),
      section("/hello", "hello", ""),
    ].join("\n"),
    { "filters.ts": FILTERS, "app.ts": APP },
  );
});

afterAll(() => site.close());

/** A GET that reports whether the response arrived complete instead of failing on a cut. */
function fetchAllowingCut(path: string): Promise<{ status: number; complete: boolean; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port: site.port, path, agent: false }, (res) => {
      let bytes = 0;
      res.on("data", (c: Buffer) => (bytes += c.length));
      res.on("error", () => undefined);
      res.on("close", () => resolve({ status: res.statusCode ?? 0, complete: res.complete, bytes }));
    });
    req.on("error", reject);
  });
}

async function expectStillServing(): Promise<void> {
  const r = await request(site, "/hello");
  expect(r.status).toBe(200);
  expect(r.body).toBe("hello");
}

test("a filter that throws before the first byte: 500 page, logged with the filter's name", async () => {
  const r = await request(site, "/early");
  expect(r.status).toBe(500);
  expect(r.body).toContain("Internal Server Error");
  expect(r.body).not.toContain("xxxx");
  const lines = site.log.filter((l) => l.includes("boom early"));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/output filter FAIL_EARLY \(filters::failEarly\): Error: boom early/);
  await expectStillServing();
});

test("a filter that throws at the end of the stream, before writing: 500", async () => {
  const r = await request(site, "/at-end");
  expect(r.status).toBe(500);
  expect(site.log.some((l) => l.includes("output filter FAIL_AT_END") && l.includes("boom at end"))).toBe(true);
});

test("a filter that throws after the first byte: the connection is cut, the server goes on", async () => {
  const r = await fetchAllowingCut("/late");
  expect(r.status).toBe(200);
  expect(r.complete).toBe(false);
  expect(r.bytes).toBeGreaterThan(0);
  expect(r.bytes).toBeLessThan(64 * 16 * 1024);
  expect(site.log.some((l) => l.includes("output filter FAIL_LATE") && l.includes("boom late"))).toBe(true);
  await expectStillServing();
});

test("an input filter that throws: 500, logged with its name", async () => {
  const r = await request(site, "/input", { body: "some body" });
  expect(r.status).toBe(500);
  expect(site.log.some((l) => l.includes("input filter FAIL_INPUT (filters::failInput)") && l.includes("boom input"))).toBe(true);
  await expectStillServing();
});

test("an input filter that fails while the handler is not reading: 500 at its next read", async () => {
  const r = await request(site, "/input-later", { body: "some body" });
  expect(r.status).toBe(500);
  expect(site.log.some((l) => l.includes("input filter FAIL_INPUT_LATER") && l.includes("boom input later"))).toBe(true);
  await expectStillServing();
});

test("SetOutputFilter naming an unregistered filter: 500 and a log line that says so", async () => {
  const r = await request(site, "/unknown");
  expect(r.status).toBe(500);
  expect(site.log.some((l) => l.includes("no output filter named 'NO_SUCH_FILTER'"))).toBe(true);
  await expectStillServing();
});
