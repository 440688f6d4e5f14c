import { ErrorCode } from "../../platform";
import { PSP, PSPCache, PSPError } from "../../psp-templates";
import { FakeRequest } from "./fake-request";
import { fixture, rejection, renderFile, renderString } from "./helpers";

describe("errors point at the .psp file and line", () => {
  test("a JS syntax error in a code block: file, line and column of the bad token", async () => {
    const file = fixture("errors", "syntax.psp");
    const err = await rejection(renderFile(file));
    expect(err).toBeInstanceOf(PSPError);
    expect(err.code).toBe(ErrorCode.PSP_SYNTAX);
    expect(err.status).toBe(500);
    expect([err.file, err.line, err.column]).toEqual([file, 4, 12]);
    expect(err.message).toBe(`${file}:4:12: SyntaxError: Unexpected token ';'`);
  });

  test("a syntax error in an expression of an included file names the included file", async () => {
    const err = await rejection(renderFile(fixture("errors", "syntax-in-include.psp")));
    expect(err.code).toBe(ErrorCode.PSP_SYNTAX);
    expect([err.file, err.line]).toEqual([fixture("errors", "bad-expression.psp"), 3]);
  });

  test("TypeScript in a code block: the error says PSP code is JavaScript, and what to do", async () => {
    const err = await rejection(renderString("<h1>x</h1>\n<% const n: number = 1; %><%= n %>"));
    expect([err.code, err.file, err.line]).toEqual([ErrorCode.PSP_SYNTAX, "<string>", 2]);
    expect(err.message).toContain(
      "; PSP code is JavaScript, and this is TypeScript: leave out the types, or put typed code in a module and pass its results to the page as vars",
    );
    // A plain JavaScript mistake gets no such hint.
    expect((await rejection(renderString("<% if (x { %>"))).message).not.toContain("TypeScript");
  });

  test("a syntax error in a string template reports <string> and the line", async () => {
    const err = await rejection(renderString("a\nb\n<% if (x { %>"));
    expect([err.code, err.file, err.line]).toEqual([ErrorCode.PSP_SYNTAX, "<string>", 3]);
  });

  test("a runtime error after an await reports the line it was thrown on, and keeps the cause", async () => {
    const file = fixture("errors", "runtime.psp");
    const err = await rejection(renderFile(file));
    expect(err).toBeInstanceOf(PSPError);
    expect(err.code).toBe(ErrorCode.PSP_RUNTIME);
    expect([err.file, err.line]).toEqual([file, 6]);
    expect(err.message).toMatch(new RegExp(`^${file}:6:\\d+: TypeError: Cannot read properties of null`));
    expect((err.cause as Error).name).toBe("TypeError");
  });

  test("a runtime error in an included file reports the included file's line", async () => {
    const err = await rejection(renderFile(fixture("errors", "runtime-in-include.psp")));
    expect([err.code, err.file, err.line]).toEqual([ErrorCode.PSP_RUNTIME, fixture("errors", "thrower.psp"), 2]);
    expect(err.message).toContain("RangeError: boom");
  });

  test("htmlSnippet shows the five surrounding lines, escaped, with the failing one marked", async () => {
    const err: PSPError = await rejection(renderFile(fixture("errors", "syntax.psp")));
    const snippet = err.htmlSnippet();
    expect(snippet).toContain("&lt;p&gt;line 2&lt;/p&gt;");
    expect(snippet).toContain("<strong>&gt;&gt; 4 |    let x = ; %&gt;</strong>");
    expect(snippet).not.toContain("<p>");
    expect(snippet.split("\n")).toHaveLength(5);
  });

  test("a non-Error thrown value still becomes a PSPError at the page", async () => {
    const err = await rejection(renderString('<% throw "plain" %>'));
    expect([err.code, err.file, err.message]).toEqual([ErrorCode.PSP_RUNTIME, "<string>", "<string>: plain"]);
  });
});

describe("error page (J3)", () => {
  test("output before the error is kept, the error page follows and shares the one session", async () => {
    const session: Record<string, unknown> & { saves?: number } = {};
    let sessionCalls = 0;
    const req = new FakeRequest(fixture("psptest_main.psp"));
    const saves: unknown[] = [];
    Object.defineProperty(session, "save", { value: async () => void saves.push({ ...session }) });
    await new PSP(req, undefined, {}, {
      cache: new PSPCache(),
      session: async () => {
        sessionCalls++;
        return session;
      },
    }).run();
    expect(req.body.split(/\s+/).filter(Boolean)).toEqual(["okay", "fail"]);
    expect(sessionCalls).toBe(1);
    expect(session.dummy).toBe(1);
    expect(saves).toEqual([{ dummy: 1 }]);
  });

  test("the error page sees the error as `exception`, with its file and line; its path is relative to the page", async () => {
    const out = await renderString('<% psp.setErrorPage("errors/show-exception.psp") %>a\n<% null.x %>', {}, { root: fixture() });
    expect(out).toMatch(/^a\n\[TSMOD_PSP_RUNTIME line 2: Cannot read properties of null \(reading &#39;x&#39;\)\]/);
  });

  test("without an error page the error propagates and nothing is written", async () => {
    const req = new FakeRequest(fixture("errors", "runtime.psp"));
    await rejection(new PSP(req, undefined, {}, { cache: new PSPCache() }).run());
    expect(req.chunks).toEqual([]);
  });
});
