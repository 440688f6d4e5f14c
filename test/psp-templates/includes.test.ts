import { ErrorCode } from "../../platform";
import { PSPError } from "../../psp-templates";
import { fixture, rejection, renderFile, renderString } from "./helpers";

describe("<%@ include %>", () => {
  test("relative to the including file, nested, `/` from the root; includes share the page's scope", async () => {
    const out = await renderFile(fixture("inc", "page.psp"), { title: "T<" });
    expect(out).toBe(
      "<h1>T&lt;</h1>\n<header><nav>T&lt;</nav>\n</header>\n\n<p>body</p>\n<footer>from header</footer>\n\n",
    );
  });

  test("a page in a subfolder includes from a sibling folder when the root allows it", async () => {
    expect(await renderFile(fixture("inc", "sub", "deep.psp"), { title: "d" }, { root: fixture("inc") })).toBe(
      "<nav>d</nav>\n\n",
    );
  });

  test("a cycle is an error naming the chain, at the directive that closes it", async () => {
    const err = await rejection(renderFile(fixture("inc", "cycle-a.psp")));
    expect(err).toBeInstanceOf(PSPError);
    expect(err.code).toBe(ErrorCode.PSP_INCLUDE);
    const [a, b] = [fixture("inc", "cycle-a.psp"), fixture("inc", "cycle-b.psp")];
    expect([err.file, err.line]).toEqual([b, 2]);
    expect(err.message).toContain(`include cycle: ${a} -> ${b} -> ${a}`);
  });

  test("an include outside the page root is refused (default root: the page's folder)", async () => {
    const err = await rejection(renderFile(fixture("inc", "escape.psp")));
    expect([err.code, err.file, err.line]).toEqual([ErrorCode.PSP_INCLUDE, fixture("inc", "escape.psp"), 2]);
    expect(err.message).toContain('include "../psptest.psp" is outside the page root');
    const absolute = await rejection(renderString('<%@ include file="/../psptest.psp" %>', {}, { root: fixture("inc") }));
    expect(absolute.code).toBe(ErrorCode.PSP_INCLUDE);
  });

  test("a missing include reports the directive's file and line", async () => {
    const err = await rejection(renderFile(fixture("inc", "missing.psp")));
    expect([err.code, err.file, err.line, err.column]).toEqual([ErrorCode.PSP_INCLUDE, fixture("inc", "missing.psp"), 2, 5]);
  });

  test("psp.include renders another page at that point with extra vars", async () => {
    expect(await renderFile(fixture("inc", "dynamic.psp"))).toBe("[<nav>dyn</nav>\n]\n");
  });

  test("psp.include outside the root fails at the calling line", async () => {
    const err = await rejection(renderString('a\n<% await psp.include("../x.psp") %>', {}, { root: fixture("inc") }));
    expect([err.code, err.line]).toEqual([ErrorCode.PSP_RUNTIME, 2]);
    expect((err.cause as PSPError).code).toBe(ErrorCode.PSP_INCLUDE);
  });
});
