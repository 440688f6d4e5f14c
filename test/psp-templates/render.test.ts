import { DONE, ErrorCode, isServerReturn } from "../../platform";
import { PSP, PSPCache, PSPError } from "../../psp-templates";
import { FakeRequest } from "./fake-request";
import { fixture, rejection, renderString } from "./helpers";

describe("rendering", () => {
  test("J1: code block writing through req, text, expression, newline", async () => {
    const req = new FakeRequest(fixture("psptest.psp"));
    await new PSP(req, undefined, {}, { cache: new PSPCache() }).run();
    expect(req.body.endsWith("test ok\n")).toBe(true);
    expect(req.contentType).toBe("text/html; charset=utf-8");
  });

  test("req.write in code lands between the surrounding text, in order", async () => {
    expect(await renderString('a<% req.write("b") %>c<% await req.write("d") %>e')).toBe("abcde");
  });

  test("a <script> in a var stays inert with <%= and is emitted raw with <%~", async () => {
    const evil = `<script>alert("x" + 'y')</script>&`;
    expect(await renderString("<%= evil %>|<%~ evil %>", { evil })).toBe(
      "&lt;script&gt;alert(&quot;x&quot; + &#39;y&#39;)&lt;/script&gt;&amp;|" + evil,
    );
  });

  test("vars are plain names; run vars override constructor vars; odd names stay reachable", async () => {
    const req = new FakeRequest(fixture("page.psp"));
    const page = new PSP(req, { string: '<%= title %> <%= who %> <%= __psp_vars["odd-name"] %>' }, { title: "T", who: "a" }, {
      cache: new PSPCache(),
    });
    expect(await page.render({ who: "b", "odd-name": 3, class: "reserved words are skipped" })).toBe("T b 3");
  });

  test("page code may redeclare a var's name", async () => {
    expect(await renderString("<% const title = 'own' %><%= title %>", { title: "given" })).toBe("own");
  });

  test("async expressions and code", async () => {
    const later = (v: string) => new Promise<string>((resolve) => setTimeout(() => resolve(v), 5));
    expect(await renderString("<%= await later('x') %><% const y = await later('y') %><%= y %>", { later })).toBe("xy");
  });

  test("pages run in strict mode: assigning an undeclared name fails", async () => {
    const err = await rejection(renderString("<% undeclared = 1 %>"));
    expect(err.code).toBe(ErrorCode.PSP_RUNTIME);
    expect(err.message).toContain("ReferenceError");
  });

  test("render() returns the output and writes nothing; toString names the page", async () => {
    const req = new FakeRequest(fixture("psptest.psp"));
    const page = new PSP(req, undefined, {}, { cache: new PSPCache() });
    expect(await page.render()).toBe("test ok\n");
    expect(req.chunks).toEqual([]);
    expect(String(page)).toBe(`[PSP ${fixture("psptest.psp")}]`);
  });

  test("run() keeps a content type the caller already chose; display() is run()", async () => {
    const req = new FakeRequest(fixture("psptest.psp"));
    req.contentType = "text/plain";
    await new PSP(req, undefined, {}, { cache: new PSPCache() }).display();
    expect([req.contentType, req.body]).toEqual(["text/plain", "test ok\n"]);
  });

  test("req.flush() in a page sends the output so far", async () => {
    const req = new FakeRequest(fixture("page.psp"));
    await new PSP(req, { string: "a<% await req.flush() %>b" }, {}, { cache: new PSPCache() }).run();
    expect(req.chunks).toEqual(["a", "b"]);
    expect(req.flushes).toBeGreaterThanOrEqual(1);
  });

  test("the page may be named by a plain string, as mod_python's PSP(req, filename): relative to the request's folder, or absolute", async () => {
    const req = new FakeRequest(fixture("page.psp"));
    const options = { cache: new PSPCache() };
    expect(await new PSP(req, "psptest.psp", {}, options).render()).toBe("test ok\n");
    expect(await new PSP(req, fixture("psptest.psp"), {}, options).render()).toBe("test ok\n");
    expect(await new PSP(req, { filename: "psptest.psp" }, {}, options).render()).toBe("test ok\n");
  });

  test("a source that names neither a file nor a text is refused with a clear error", () => {
    const req = new FakeRequest(fixture("page.psp"));
    for (const bad of [{}, null, 42] as unknown as string[]) {
      expect(() => new PSP(req, bad)).toThrow(expect.objectContaining({ code: ErrorCode.PSP_ARGUMENTS }));
    }
  });

  test("a filename and a string together are refused", () => {
    const req = new FakeRequest(fixture("page.psp"));
    const both = { filename: "a.psp", string: "x" } as unknown as { string: string };
    expect(() => new PSP(req, both)).toThrow(expect.objectContaining({ code: ErrorCode.PSP_ARGUMENTS }));
  });

  test("a missing page is a 404 PSPError", async () => {
    const err = await rejection(new PSP(new FakeRequest(fixture("nope.psp"))).render());
    expect(err).toBeInstanceOf(PSPError);
    expect([err.code, err.status]).toEqual([ErrorCode.PSP_NOT_FOUND, 404]);
  });
});

describe("form and session are created only for pages that use them", () => {
  function providers() {
    const calls = { form: 0, session: 0 };
    const form = { getlist: (name: string) => (name === "q" ? ["<x>"] : name === "many" ? ["1", "2"] : []) };
    return {
      calls,
      options: {
        cache: new PSPCache(),
        form: async () => (calls.form++, form),
        session: async () => (calls.session++, { user: "ann" }),
      },
    };
  }

  test("not called when the page does not name them (req.form as a property does not count)", async () => {
    const { calls, options } = providers();
    await renderString("<% const o = { form: 1 }; %><%= o.form %> <%= typeof req.form %>", {}, options);
    expect(calls).toEqual({ form: 0, session: 0 });
  });

  test("called once each when the page uses them, however often", async () => {
    const { calls, options } = providers();
    const out = await renderString(
      "<%= form.getlist('q')[0] %> <%= session.user %> <%= form.getlist('many').length %> <%= session.user %>",
      {},
      options,
    );
    expect(out).toBe("&lt;x&gt; ann 2 ann");
    expect(calls).toEqual({ form: 1, session: 1 });
  });

  test("a provider's promise is waited for, but a var that is a promise is passed as it is", async () => {
    const { options } = providers();
    const pending = Promise.resolve("later");
    const out = await renderString("<%= form.getlist('q')[0] %> <%= typeof session.then %>", { session: pending }, options);
    expect(out).toBe("&lt;x&gt; function");
  });

  test("providers are handed the page's request, and may answer at once", async () => {
    const seen: unknown[] = [];
    const out = await renderString("<%= form.getlist('q').length %>", {}, { form: (req) => (seen.push(req), { getlist: () => [1, 2] }) });
    expect(out).toBe("2");
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(FakeRequest);
  });

  test("default providers are the request's own form() and getSession()", async () => {
    const req = Object.assign(new FakeRequest(fixture("page.psp")), {
      form: async () => ({ getlist: () => ["v"] }),
      getSession: async () => ({ id: "s1" }),
    });
    const out = await new PSP(req, { string: "<%= form.getlist('a')[0] %> <%= session.id %>" }, {}, { cache: new PSPCache() }).render();
    expect(out).toBe("v s1");
  });
});

describe("psp object", () => {
  const form = { getlist: (name: string) => ({ name: ["Ann"], tag: ["a", "b"] })[name] ?? [] };
  const options = () => ({ cache: new PSPCache(), form: async () => form });

  test("applyData binds form fields to parameter names (one value, several values, absent, req)", async () => {
    function greet(name: string, tag: string[], missing = "default", req?: unknown) {
      return `${name} ${tag.join("+")} ${missing} ${typeof req}`;
    }
    const out = await renderString("<%= await psp.applyData(greet) %>", { greet }, options());
    expect(out).toBe("Ann a+b default object");
  });

  test("applyData with arrows, async functions, methods and one destructured object", async () => {
    const fns = {
      arrow: (name: string) => `arrow ${name}`,
      asyncFn: async function named(tag: string[]) {
        return `async ${tag.length}`;
      },
      method(name: string) {
        return `method ${name}`;
      },
      object: ({ name, tag: tags }: { name: string; tag: string[] }) => `object ${name} ${tags.length}`,
    };
    const out = await renderString(
      "<%= await psp.applyData(fns.arrow) %>|<%= await psp.applyData(fns.asyncFn) %>|<%= await psp.applyData(fns.method) %>|<%= await psp.applyData(fns.object) %>",
      { fns },
      options(),
    );
    expect(out).toBe("arrow Ann|async 2|method Ann|object Ann 2");
  });

  test("redirect drops the output, sets Location and status, ends with DONE", async () => {
    const req = new FakeRequest(fixture("page.psp"));
    const err = await rejection(
      new PSP(req, { string: "text<% psp.redirect('/elsewhere') %>more" }, {}, { cache: new PSPCache() }).run(),
    );
    expect(isServerReturn(err) && err.result).toBe(DONE);
    expect([req.status, req.headers.get("Location"), req.chunks]).toEqual([302, "/elsewhere", []]);
  });

  test("a permanent redirect is a 301; a redirect saves the session the page used", async () => {
    const req = new FakeRequest(fixture("page.psp"));
    let saved = 0;
    const session = { save: async () => void saved++ };
    await rejection(
      new PSP(req, { string: "<% session.user = 'x'; psp.redirect('/p', true) %>" }, {}, {
        cache: new PSPCache(),
        session: async () => session,
      }).run(),
    );
    expect([req.status, saved]).toEqual([301, 1]);
  });

  test("a redirect after req.flush() is refused", async () => {
    const req = new FakeRequest(fixture("page.psp"));
    const err = await rejection(
      new PSP(req, { string: "a<% await req.flush(); psp.redirect('/x') %>" }, {}, { cache: new PSPCache() }).run(),
    );
    expect(err.code).toBe(ErrorCode.PSP_RUNTIME);
    expect((err.cause as { code: string }).code).toBe(ErrorCode.HEADERS_SENT);
  });
});
