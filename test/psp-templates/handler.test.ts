import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ErrorCode, HTTP_NOT_FOUND, OK } from "../../platform";
import { PSPCache, pspHandler, sourceView } from "../../psp-templates";
import { FakeRequest } from "./fake-request";
import { fixture, rejection } from "./helpers";

const pageDirs: string[] = [];
afterAll(() => pageDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** A page file of its own in a fresh temporary folder. */
function writePage(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsmod-psp-"));
  pageDirs.push(dir);
  const file = path.join(dir, "page.psp");
  fs.writeFileSync(file, text);
  return file;
}

describe("pspHandler", () => {
  test("renders req.filename as text/html", async () => {
    const req = new FakeRequest(fixture("psptest.psp"));
    req.contentType = "application/octet-stream";
    expect(await pspHandler(req, { cache: new PSPCache() })).toBe(OK);
    expect([req.contentType, req.body]).toEqual(["text/html; charset=utf-8", "test ok\n"]);
  });

  test("a compiled page that awaits nothing, with its form at hand, answers without a promise", async () => {
    const cache = new PSPCache();
    expect(await pspHandler(new FakeRequest(fixture("psptest.psp")), { cache })).toBe(OK);
    const req = new FakeRequest(fixture("psptest.psp"));
    expect(pspHandler(req, { cache, form: () => ({ getfirst: () => "x" }) })).toBe(OK);
    expect(req.body).toBe("test ok\n");
  });

  test("a page whose form is still being read waits for it", async () => {
    const cache = new PSPCache();
    const file = writePage("<%= form.getfirst('name') %>");
    await pspHandler(new FakeRequest(file), { cache, form: () => ({ getfirst: () => "warm" }) });
    const req = new FakeRequest(file);
    const answer = pspHandler(req, { cache, form: async () => ({ getfirst: () => "late" }) });
    expect(answer).toBeInstanceOf(Promise);
    expect(await answer).toBe(OK);
    expect(req.body).toBe("late");
  });

  test("a missing page is HTTP_NOT_FOUND", async () => {
    expect(await pspHandler(new FakeRequest(fixture("missing.psp")))).toBe(HTTP_NOT_FOUND);
  });

  test("a missing include is an error, not a 404", async () => {
    const err = await rejection(pspHandler(new FakeRequest(fixture("inc", "missing.psp"))));
    expect(err.code).toBe(ErrorCode.PSP_INCLUDE);
  });

  test("the root option lets pages include from above their folder", async () => {
    const req = new FakeRequest(fixture("inc", "sub", "plain.psp"));
    const session = jest.fn();
    await pspHandler(req, { root: fixture("inc"), cache: new PSPCache(), session });
    expect(req.body).toBe("<nav>plain</nav>\n\n");
    expect(session).not.toHaveBeenCalled();
  });

  test("page.psp_ is the source view with TsDebug On, and 404 otherwise", async () => {
    const off = new FakeRequest(fixture("psptest.psp_"));
    expect(await pspHandler(off)).toBe(HTTP_NOT_FOUND);
    expect(off.chunks).toEqual([]);

    const on = new FakeRequest(fixture("psptest.psp_"));
    expect(await pspHandler(on, { debug: true })).toBe(OK);
    expect(on.body).toContain("&lt;% if (true) { req.write(&quot;t&quot;); } %&gt;est");
    expect(on.body).toContain("__eta.res+=&#39;est&#39;;");
  });
});

describe("sourceView", () => {
  test("returns the page source and the compiled function", async () => {
    const view = await sourceView(fixture("psptest.psp"), { cache: new PSPCache() });
    expect(view.file).toBe(fixture("psptest.psp"));
    expect(view.source).toBe('<% if (true) { req.write("t"); } %>est<%= " " + "ok" %>\n');
    expect(view.code).toMatch(/^\(function \(__eta, req, psp, form, session, __psp_vars\) \{"use strict"; \{\n/);
    expect(view.code).toContain('__eta.res+=__eta.e( " " + "ok" );');
  });

  test("a page that awaits compiles to an async function", async () => {
    const view = await sourceView(fixture("errors", "runtime.psp"), { cache: new PSPCache() });
    expect(view.code).toMatch(/^\(async function \(__eta, req, psp, form, session, __psp_vars\)/);
  });
});
