import { HTTP_UNAUTHORIZED, type Request } from "../../platform";
import { resolveTarget } from "../../publisher/resolve-target";
import type { SourceFacts } from "../../publisher/source-facts";

/** What the walk reads from a request: Basic credentials, a place for the challenge. */
function fakeRequest(): Request {
  const headers = new Map<string, string>();
  const authorization = "Basic " + Buffer.from("ann:pw").toString("base64");
  return {
    user: null,
    apAuthType: null,
    headersIn: { get: (name: string) => (name.toLowerCase() === "authorization" ? authorization : undefined) },
    errHeadersOut: { set: (k: string, v: string) => headers.set(k, v) },
    logError: () => undefined,
  } as unknown as Request;
}

const factsOf = (exports: object): SourceFacts => ({ own: new Set(Object.keys(exports)), declarations: new Map(), isHiddenMember: () => false });
const target = (...names: string[]) => ({ file: "/site/app.ts", label: "app.ts", names });

describe("publisher: resolving a URL to its function", () => {
  test("a walk without auth hooks gives the target at once, not a promise", () => {
    function greet() {}
    const tools = { greet };
    const exports = { tools };
    const found = resolveTarget(fakeRequest(), exports, factsOf(exports), target("tools", "greet"));
    expect(found).toEqual({ fn: greet, self: tools, methods: null });
  });

  test("an auth hook that waits is waited for, at the step where it stands", async () => {
    let checked = false;
    function secret() {}
    const area = {
      __auth__: async () => ((checked = true), false),
      secret,
    };
    const exports = { area };
    const found = resolveTarget(fakeRequest(), exports, factsOf(exports), target("area", "secret"));
    expect(found).toBeInstanceOf(Promise);
    await expect(found).rejects.toMatchObject({ result: HTTP_UNAUTHORIZED });
    expect(checked).toBe(true);
  });
});
