import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { sealData } from "iron-session";
import { ErrorCode } from "../../platform";
import { CookieStore, getSession, SessionManager } from "../../sessions";
import { FakeBrowser, rejection, visit } from "./session-harness";
import { describeStoreConformance } from "./store-conformance";

const secret = "a-test-secret-that-is-long-enough-for-iron";
const options = { "tsmod.session.type": "cookie", "tsmod.secret": secret };

describeStoreConformance("cookie", async () => ({
  openStore: () => new CookieStore([secret]),
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
    const other = new FakeBrowser({ ...options, "tsmod.secret": "another-secret,-also-long-enough!!" });
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

  function withJarOf(from: FakeBrowser, opts: Record<string, string>): FakeBrowser {
    const b = new FakeBrowser(opts);
    for (const [name, value] of from.jar) b.jar.set(name, value);
    return b;
  }

  describe("key rotation", () => {
    const newer = "the-next-secret,-rolled-out-later-on";

    it("opens seals of the old key while the new one seals, and drops the old key's seals once it is gone", async () => {
      const old = await signedIn();
      const rotating = withJarOf(old, { ...options, "tsmod.secret": `${newer} ${secret}` });
      await visit(rotating, manager, async (s) => {
        expect([s.isNew, s.get("user")]).toEqual([false, "ada"]);
        s.set("rotated", true);
        await s.save();
      });
      expect(rotating.jar.get("tsmodsid")).not.toBe(old.jar.get("tsmodsid"));
      // The cookie re-sealed during the rotation opens with the new key alone...
      await visit(withJarOf(rotating, { ...options, "tsmod.secret": newer }), manager, (s) => expect(s.get("user")).toBe("ada"));
      // ...and one sealed before it no longer does.
      await visit(withJarOf(old, { ...options, "tsmod.secret": newer }), manager, (s) => expect(s.isNew).toBe(true));
    });

    it("reads the keys from tsmod.secret_file, one per line", async () => {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tsmod-secret-")), "keys");
      fs.writeFileSync(file, `${newer}\n\n${secret}\n`);
      const fromFile = { "tsmod.session.type": "cookie", "tsmod.secret_file": file };
      await visit(withJarOf(await signedIn(), fromFile), manager, (s) => expect(s.get("user")).toBe("ada"));
      fs.rmSync(path.dirname(file), { recursive: true });
    });

    it("names an unreadable tsmod.secret_file", async () => {
      const req = new FakeBrowser({ "tsmod.session.type": "cookie", "tsmod.secret_file": "/nonexistent/keys" }).request();
      const error = await rejection(getSession(req, manager));
      expect(error.code).toBe(ErrorCode.SESSION_CONFIG);
      expect(error.message).toMatch(/^TsOption tsmod\.secret_file cannot be used: cannot read tsmod\.secret_file \/nonexistent\/keys/);
    });
  });

  it.each([
    ["missing", undefined],
    ["one of the rotating keys too short", `${secret} short`],
    ["too short", "short"],
  ])("needs tsmod.secret (%s) and names it in the error", async (_, value) => {
    const req = new FakeBrowser({ "tsmod.session.type": "cookie", ...(value ? { "tsmod.secret": value } : {}) }).request();
    const error = await rejection(getSession(req, manager));
    expect(error.code).toBe(ErrorCode.SESSION_CONFIG);
    expect(error.message).toMatch(/^TsOption tsmod\.secret must be set to at least 32 characters/);
  });
});
