/*
 * Input and output filters end to end: configured per section and extension, added and
 * registered at run time, chained, declining, on static files and on request bodies.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { request, startSite, type TestSite } from "../helpers/site";

const FILTERS = `
import type { Filter } from "tsmod";

export async function upper(filter: Filter) {
  for await (const chunk of filter) await filter.write(chunk.toString("latin1").toUpperCase());
}

export async function tagA(filter: Filter) {
  for await (const chunk of filter) await filter.write(chunk);
  await filter.write("[A]");
}

export async function tagB(filter: Filter) {
  for await (const chunk of filter) await filter.write(chunk);
  await filter.write("[B]");
}

/** Declines: never reads, so the body passes on untouched. */
export function decline(filter: Filter) {
  filter.req.headersOut.set("X-Declined", filter.name);
}

export async function header(filter: Filter) {
  filter.req.headersOut.set("X-Filter", filter.name + (filter.headersSent ? " late" : " early"));
  await filter.passOn();
}

/** Reads in small pieces, to show read(size) splits chunks. */
export async function pieces(filter: Filter) {
  for (let c = await filter.read(3); c !== null; c = await filter.read(3)) await filter.write(c.toString("latin1") + "|");
}
`;

/** The upper-casing example of docs/filters.md, verbatim. */
const DOC_EXAMPLE = `
import { StringDecoder } from "node:string_decoder";
import type { Filter } from "tsmod";

export async function outputfilter(filter: Filter): Promise<void> {
  const type = filter.req.contentType ?? "";
  if (!type.startsWith("text/")) return filter.passOn();   // not ours: decline

  // A UTF-8 character may be split between two chunks: decode as a stream.
  const decoder = new StringDecoder("utf8");
  for await (const chunk of filter) await filter.write(decoder.write(chunk).toUpperCase());
  await filter.write(decoder.end().toUpperCase());
}
`;

const APP = `
import { OK, type Request } from "tsmod";

export async function echo(req: Request) {
  const body = await req.read();
  await req.write(body.length ? body : "(empty)");
  return OK;
}

/** "grüße" with the ü split between two writes. */
export async function splitUtf8(req: Request) {
  req.contentType = "text/plain; charset=utf-8";
  const bytes = Buffer.from("grüße", "utf8");
  await req.write(bytes.subarray(0, 3));
  await req.write(bytes.subarray(3));
  return OK;
}

export async function json(req: Request) {
  req.contentType = "application/json";
  await req.write('{"a":"b"}');
  return OK;
}

export async function hello(req: Request) {
  await req.write("hello");
  return OK;
}

export async function helloAddB(req: Request) {
  req.addOutputFilter("B");
  await req.write("hello");
  return OK;
}

export function addInput(req: Request) {
  req.addInputFilter("UPPER_IN");
  return OK;
}

export async function addUnknown(req: Request) {
  try {
    req.addOutputFilter("NOPE");
  } catch (e) {
    await req.write((e as { code: string }).code);
  }
  return OK;
}

export async function addLate(req: Request) {
  await req.write("x");
  try {
    req.addOutputFilter("UPPER");
  } catch (e) {
    await req.write(" " + (e as { code: string }).code);
  }
  return OK;
}

export async function formField(req: Request) {
  const form = await req.form();
  await req.write(JSON.stringify(form.list));
  return OK;
}

export async function readThenAddInput(req: Request) {
  await req.read();
  try {
    req.addInputFilter("UPPER_IN");
  } catch (e) {
    await req.write((e as { code: string }).code);
  }
  return OK;
}
`;

const BINARY = Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 256));

const CONFIG = `
DocumentRoot @DIR@
TsOutputFilter filters::upper UPPER
TsOutputFilter filters::tagA A
TsOutputFilter filters::tagB B
TsOutputFilter filters::decline DECLINE
TsOutputFilter filters::header HEADER
TsOutputFilter filters::pieces PIECES
TsInputFilter filters::upper UPPER_IN
TsOutputFilter filters/upper DOC_UPPER
<Location /doc-example>
  SetHandler tsmod
  TsHandler app::splitUtf8
  SetOutputFilter DOC_UPPER
</Location>
<Location /doc-example-json>
  SetHandler tsmod
  TsHandler app::json
  SetOutputFilter DOC_UPPER
</Location>
<Location /by-extension>
  SetHandler tsmod
  TsHandler app::echo
  AddInputFilter UPPER_IN .up
</Location>
TsInputFilter filters::tagA A_IN

<Location /echo>
  SetHandler tsmod
  TsHandler app::echo
  SetInputFilter UPPER_IN
</Location>
<Location /echo-chain>
  SetHandler tsmod
  TsHandler app::echo
  SetInputFilter UPPER_IN;A_IN
</Location>
<Location /runtime-input>
  SetHandler tsmod
  TsFixupHandler app::addInput
  TsHandler app::echo
</Location>
<Location /form>
  SetHandler tsmod
  TsHandler app::formField
  SetInputFilter UPPER_IN
</Location>
<Location /input-too-late>
  SetHandler tsmod
  TsHandler app::readThenAddInput
</Location>
<Location /chain>
  SetHandler tsmod
  TsHandler app::hello
  SetOutputFilter A;B
</Location>
<Location /chain-added>
  SetHandler tsmod
  TsHandler app::helloAddB
  SetOutputFilter A
</Location>
<Location /pieces>
  SetHandler tsmod
  TsHandler app::hello
  SetOutputFilter PIECES
</Location>
<Location /add-unknown>
  SetHandler tsmod
  TsHandler app::addUnknown
</Location>
<Location /add-late>
  SetHandler tsmod
  TsHandler app::addLate
  SetOutputFilter A
</Location>
<Directory @DIR@/static>
  AddOutputFilter UPPER .txt
  AddOutputFilter DECLINE .bin
  AddOutputFilter HEADER;UPPER up
</Directory>
<Directory @DIR@/static/plain>
  RemoveOutputFilter .txt
</Directory>
`;

let site: TestSite;

beforeAll(async () => {
  site = await startSite(CONFIG, {
    "filters.ts": FILTERS,
    "app.ts": APP,
    "filters/upper.ts": DOC_EXAMPLE,
    "static/hello.txt": "hello static file\n",
    "static/page.up": "header first",
    "static/plain/hello.txt": "left alone\n",
  });
  fs.writeFileSync(path.join(site.dir, "static/data.bin"), BINARY);
});

afterAll(() => site.close());

describe("output filters", () => {
  test("a filter on a static file; the Content-Length is the filtered body's", async () => {
    const r = await request(site, "/static/hello.txt");
    expect(r.status).toBe(200);
    expect(r.body).toBe("HELLO STATIC FILE\n");
    expect(Number(r.headers["content-length"])).toBe(r.raw.length);
    expect(r.headers["content-type"]).toMatch(/^text\/plain/);
  });

  test("RemoveOutputFilter in a nested section drops the filter for that extension", async () => {
    const r = await request(site, "/static/plain/hello.txt");
    expect(r.body).toBe("left alone\n");
  });

  test("a declining filter passes the bytes on untouched and keeps the Content-Length", async () => {
    const r = await request(site, "/static/data.bin");
    expect(r.status).toBe(200);
    expect(r.headers["x-declined"]).toBe("DECLINE");
    expect(r.raw.equals(BINARY)).toBe(true);
    expect(r.headers["content-length"]).toBe(String(BINARY.length));
  });

  test("a filter sets headers before the first byte; AddOutputFilter takes an extension without the dot", async () => {
    const r = await request(site, "/static/page.up");
    expect(r.headers["x-filter"]).toBe("HEADER early");
    expect(r.body).toBe("HEADER FIRST");
  });

  test("the documented upper-casing filter: UTF-8 split across chunks, declining for other types", async () => {
    const r = await request(site, "/doc-example");
    expect(r.raw.toString("utf8")).toBe("GRÜSSE");
    const json = await request(site, "/doc-example-json");
    expect(json.body).toBe('{"a":"b"}');
  });

  test("SetOutputFilter A;B chains the filters in order", async () => {
    const r = await request(site, "/chain");
    expect(r.body).toBe("hello[A][B]");
  });

  test("req.addOutputFilter appends after the configured filters", async () => {
    const r = await request(site, "/chain-added");
    expect(r.body).toBe("hello[A][B]");
  });

  test("filter.read(size) returns at most size bytes", async () => {
    const r = await request(site, "/pieces");
    expect(r.body).toBe("hel|lo|");
  });

  test("req.addOutputFilter with an unregistered name throws FILTER_NOT_FOUND", async () => {
    const r = await request(site, "/add-unknown");
    expect(r.status).toBe(200);
    expect(r.body).toBe("TSMOD_FILTER_NOT_FOUND");
  });

  test("req.addOutputFilter after the body started throws FILTER_TOO_LATE", async () => {
    const r = await request(site, "/add-late");
    expect(r.body).toBe("x TSMOD_FILTER_TOO_LATE[A]");
  });
});

describe("input filters", () => {
  test("SetInputFilter rewrites the body the handler reads", async () => {
    const r = await request(site, "/echo", { body: "hello body" });
    expect(r.status).toBe(200);
    expect(r.body).toBe("HELLO BODY");
  });

  test("input filters chain in order, also over a large chunked body", async () => {
    const body = "abc".repeat(200_000);
    const r = await request(site, "/echo-chain", { body, headers: { "transfer-encoding": "chunked" } });
    expect(r.status).toBe(200);
    expect(r.body).toBe("ABC".repeat(200_000) + "[A]");
  });

  test("an input filter still runs on an empty body", async () => {
    const r = await request(site, "/echo-chain", { method: "POST", body: "" });
    expect(r.body).toBe("[A]");
  });

  test("AddInputFilter by extension", async () => {
    expect((await request(site, "/by-extension/x.up", { body: "abc" })).body).toBe("ABC");
    expect((await request(site, "/by-extension/x.txt", { body: "abc" })).body).toBe("abc");
  });

  test("req.form() parses the filtered body", async () => {
    const r = await request(site, "/form", { body: "name=value", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual([{ name: "NAME", value: "VALUE" }]);
  });

  test("req.addInputFilter in an earlier phase applies to the body", async () => {
    const r = await request(site, "/runtime-input", { body: "quiet" });
    expect(r.body).toBe("QUIET");
  });

  test("req.addInputFilter after the body was read throws FILTER_TOO_LATE", async () => {
    const r = await request(site, "/input-too-late", { body: "x" });
    expect(r.body).toBe("TSMOD_FILTER_TOO_LATE");
  });
});
