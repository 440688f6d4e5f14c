/*
 * mod_python's filter test cases (test/test.py group L), ported: one server, one name-based
 * virtual host per case, with the filter directives at virtual-host level as upstream has them.
 */
import * as path from "node:path";
import { request, startSite, type TestSite } from "../helpers/site";

const HTDOCS = path.resolve(__dirname, "../fixtures/htdocs");

function vhostLevel(name: string, body: string): string {
  return `<VirtualHost *>
  ServerName ${name}
  DocumentRoot ${HTDOCS}
  SetHandler tsmod
  TsPath ${HTDOCS}
  TsDebug On
${body}
</VirtualHost>`;
}

const config = [
  `ServerName 127.0.0.1`,
  `DocumentRoot ${HTDOCS}`,
  vhostLevel(
    "test_outputfilter",
    `TsHandler tests::simplehandler
  TsOutputFilter "tests::outputfilter MP_TEST_FILTER"
  AddOutputFilter MP_TEST_FILTER .ts`,
  ),
  vhostLevel(
    "test_req_add_output_filter",
    `TsHandler tests::req_add_output_filter
  TsOutputFilter "tests::outputfilter MP_TEST_FILTER"`,
  ),
  vhostLevel("test_req_register_output_filter", `TsHandler tests::req_register_output_filter`),
].join("\n");

let site: TestSite;

beforeAll(async () => {
  site = await startSite(config);
});

afterAll(() => site.close());

const get = (host: string, p = "/tests.ts") => request(site, p, { host });

describe("L. filters", () => {
  test("L1 output filter bound to an extension with AddOutputFilter", async () => {
    const r = await get("test_outputfilter");
    expect(r.status).toBe(200);
    expect(r.body).toBe("TEST OK");
    // Derived: a Content-Length, when sent, is the filtered body's.
    if (r.headers["content-length"] !== undefined) expect(Number(r.headers["content-length"])).toBe(r.raw.length);
  });

  test("L1 the filter applies only to the bound extension", async () => {
    const r = await get("test_outputfilter", "/tests.other");
    expect(r.status).toBe(200);
    expect(r.body).toBe("test ok");
  });

  test("L2 req.addOutputFilter activates a configured filter at run time", async () => {
    const r = await get("test_req_add_output_filter");
    expect(r.status).toBe(200);
    expect(r.body).toBe("TEST OK");
  });

  test("L3 req.registerOutputFilter registers a filter at run time", async () => {
    const r = await get("test_req_register_output_filter");
    expect(r.status).toBe(200);
    expect(r.body).toBe("TEST OK");
  });
});
