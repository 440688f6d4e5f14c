import { sealData } from "iron-session";
import { ErrorCode } from "../../platform";
import { CookieStore, getSession, SessionManager } from "../../sessions";
import { FakeBrowser, rejection, visit } from "./session-harness";
import { describeStoreConformance } from "./store-conformance";

const secret = "a test secret that is long enough for iron";
const options = { "tsmod.session.type": "cookie", "tsmod.secret": secret };

describeStoreConformance("cookie", async () => ({
  openStore: () => new CookieStore(secret),
  options,
  dispose: async () => {},
}));

describe("cookie store", () => {
  let manager: SessionManager;
  beforeEach(() => {
    manager = new SessionManager({ cleanupIntervalMs: 0 });
  });
  afterEach(() => manager.close());

  async function signedIn(): Promise<FakeBrowser> {
    const b = new FakeBrowser(options);
    await visit(b, manager, async (s) => {
      s.set("user", "ada");
      await s.save();
    });
    return b;
  }

  it("keeps the data sealed: the cookie shows nothing of it", async () => {
    const b = await signedIn();
    expect(b.jar.get("tsmodsid")).toMatch(/^Fe26\.2\*/);
    expect(b.jar.get("tsmodsid")).not.toContain("ada");
  });

  it("ignores a tampered cookie and starts a new session", async () => {
    const b = await signedIn();
    const seal = b.jar.get("tsmodsid") as string;
    const flipped = seal.replace(/\*(.)/, (_, c: string) => `*${c === "a" ? "b" : "a"}`);
    b.jar.set("tsmodsid", flipped);
    await visit(b, manager, (s) => expect([s.isNew, s.get("user")]).toEqual([true, undefined]));
  });

  it("ignores a cookie sealed with another secret", async () => {
    const b = await signedIn();
    b.jar.set("tsmodsid", b.jar.get("tsmodsid") as string);
    const other = new FakeBrowser({ ...options, "tsmod.secret": "another secret, also long enough!!" });
    for (const [name, value] of b.jar) other.jar.set(name, value);
    await visit(other, manager, (s) => expect(s.isNew).toBe(true));
  });

  it("refuses seals without iron-session 8's version marker (the pre-v8 format)", async () => {
    const seal = await sealData({ persistent: { id: "0123456789abcdef0123456789abcdef" } }, { password: secret });
    const b = new FakeBrowser(options);
    b.jar.set("tsmodsid", seal.replace(/~2$/, ""));
    await visit(b, manager, (s) => expect(s.isNew).toBe(true));
  });

  it("refuses to save a session whose cookie would exceed 4096 bytes", async () => {
    const b = new FakeBrowser(options);
    await visit(b, manager, async (s, req) => {
      s.set("blob", "x".repeat(4000));
      const error = await rejection(s.save());
      expect([error.code, error.status]).toEqual([ErrorCode.SESSION_TOO_LARGE, 500]);
      expect(error.message).toMatch(/over the 4096-byte browser limit/);
      expect(req.setCookies).toEqual([]);
    });
  });

  it.each([
    ["missing", undefined],
    ["too short", "short"],
  ])("needs tsmod.secret (%s) and names it in the error", async (_, value) => {
    const req = new FakeBrowser({ "tsmod.session.type": "cookie", ...(value ? { "tsmod.secret": value } : {}) }).request();
    const error = await rejection(getSession(req, manager));
    expect(error.code).toBe(ErrorCode.SESSION_CONFIG);
    expect(error.message).toMatch(/^TsOption tsmod\.secret must be set to at least 32 characters/);
  });
});
