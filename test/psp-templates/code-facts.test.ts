import { codeFacts } from "../../psp-templates/code-facts";
import { renderString } from "./helpers";

const BUILTINS = ["req", "psp", "form", "session"];

describe("what a page's code needs, read at compile time", () => {
  test("names used as values count; property names and object keys do not", () => {
    const { names } = codeFacts("const o = { form: 1, session() {} }; o.form; req.write(psp);", BUILTINS);
    expect([...names].sort()).toEqual(["psp", "req"]);
  });

  test("a direct eval may reach any name, so it counts as naming every builtin", () => {
    expect([...codeFacts('eval("1")', BUILTINS).names].sort()).toEqual([...BUILTINS].sort());
  });

  test("await or for await at the page's level makes it async; inside a nested function it does not", () => {
    expect(codeFacts("const x = 1;", BUILTINS).awaits).toBe(false);
    expect(codeFacts("const x = await f();", BUILTINS).awaits).toBe(true);
    expect(codeFacts("for await (const x of xs) {}", BUILTINS).awaits).toBe(true);
    expect(codeFacts("if (a) { g(await f()); }", BUILTINS).awaits).toBe(true);
    expect(codeFacts("const g = async () => await f(); async function h() { for await (const x of xs) {} }", BUILTINS).awaits).toBe(
      false,
    );
  });

  test("a page naming builtins only through eval still has them", async () => {
    expect(await renderString('<%= eval("typeof req + typeof psp") %>')).toBe("objectobject");
  });
});
