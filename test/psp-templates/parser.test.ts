import * as fs from "node:fs";
import { ErrorCode } from "../../platform";
import { PSPError } from "../../psp-templates";
import { fixture, rejection, renderFile, renderString } from "./helpers";

/** mod_python's driver: chunks `test:<expected>:<actual>`, where `-` means a backslash in <expected>. */
function parserFailures(body: string): string[] {
  return body
    .split("$")
    .filter((chunk) => chunk.startsWith("test:"))
    .filter((chunk) => {
      const [, expected, actual] = chunk.split(":");
      const decoded = expected.replace(/-/g, "\\").replace(/CR/g, "\r").replace(/LF/g, "\n").replace(/TB/g, "\t");
      return decoded !== actual;
    });
}

describe("PSP parser (J2: template text compiles to code verbatim)", () => {
  test("psp_parser.psp: literal escapes, a code block writing an escape, expressions in quotes", async () => {
    const body = await renderFile(fixture("psp_parser.psp"));
    expect(body.split("$").filter((c) => c.startsWith("test:"))).toHaveLength(7);
    expect(parserFailures(body)).toEqual([]);
  });

  test("backslashes, quotes, backticks, ${, \\u escapes, </script> and Eta's own sequences come out as written", async () => {
    const source = fs.readFileSync(fixture("verbatim.psp"), "utf8");
    const expected = source.replace('<%= "mixed" %>', "mixed").replace('<%~ "raw" %>', "raw");
    expect(await renderFile(fixture("verbatim.psp"))).toBe(expected);
  });

  test("CRLF and lone CR line ends in text are kept (Eta's own parser turns them into LF)", async () => {
    expect(await renderFile(fixture("crlf.psp"))).toBe("crlf line 1\r\ncrlf line 2\r\nlone cr\rend");
  });

  test("no newline is trimmed after a tag", async () => {
    expect(await renderString("<% const a = 1 %>\nx<%= a %>\n<%~ a %>\n")).toBe("\nx1\n1\n");
  });

  test("comments are removed, including ones spanning lines and holding tags", async () => {
    expect(await renderString("a<%-- one --%>b<%-- <%= boom() %>\n two --%>c")).toBe("abc");
  });

  test("%> inside strings, template literals, comments and regular expressions does not end a tag", async () => {
    const page = [
      `<%= "%>" %>|`,
      `<%= '%>' %>|`,
      "<%= `%>${'%>'}` %>|",
      `<%= /%>'/.source %>|`,
      `<% /* %> */ %>|`,
      `<%= "a" // trailing %>|`,
      `<% const r = 4 / 2; %><%= r / 2 %>`,
    ].join("");
    expect(await renderString(page)).toBe("%&gt;|%&gt;|%&gt;%&gt;|%&gt;&#39;||a|1");
  });

  test("an unclosed <% is a syntax error at the tag's line and column", async () => {
    const err = await rejection(renderFile(fixture("errors", "unclosed.psp")));
    expect(err).toBeInstanceOf(PSPError);
    expect(err.code).toBe(ErrorCode.PSP_SYNTAX);
    expect([err.file, err.line, err.column]).toEqual([fixture("errors", "unclosed.psp"), 2, 28]);
    expect(err.message).toContain(`${fixture("errors", "unclosed.psp")}:2:28: unclosed tag`);
  });

  test("unclosed comments, unknown directives and empty expressions are syntax errors", async () => {
    for (const [page, line, column] of [
      ["a\n  <%-- never closed", 2, 3],
      ["<%@ page import='x' %>", 1, 1],
      ["x\n<%=   %>", 2, 1],
    ] as const) {
      const err = await rejection(renderString(page));
      expect([err.code, err.file, err.line, err.column]).toEqual([ErrorCode.PSP_SYNTAX, "<string>", line, column]);
    }
  });
});
