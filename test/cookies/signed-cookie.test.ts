import { parseCookies, serializeCookie, signCookie, verifySignedCookie } from "../../platform/cookies";
import { ErrorCode } from "../../platform/errors";

const SECRET = "k".repeat(32);
const OTHER = "o".repeat(40);

describe("signed cookies", () => {
  test("round trip, also through a Set-Cookie and Cookie header", () => {
    const signed = signCookie("user", "ann", SECRET);
    expect(signed).toMatch(/^ann\.[A-Za-z0-9_-]{43}$/);
    expect(verifySignedCookie("user", signed, SECRET)).toBe("ann");
    const header = serializeCookie("user", signed);
    const cookies = parseCookies(header);
    expect(verifySignedCookie("user", cookies.user, SECRET)).toBe("ann");
  });

  test("values may contain dots and be empty", () => {
    expect(verifySignedCookie("v", signCookie("v", "a.b.c", SECRET), SECRET)).toBe("a.b.c");
    expect(verifySignedCookie("v", signCookie("v", "", SECRET), SECRET)).toBe("");
  });

  test("flipping any single character of value or signature is detected", () => {
    const signed = signCookie("user", "ann-the-admin", SECRET);
    for (let i = 0; i < signed.length; i++) {
      const replacement = signed[i] === "A" ? "B" : "A";
      const tampered = signed.slice(0, i) + replacement + signed.slice(i + 1);
      expect([i, verifySignedCookie("user", tampered, SECRET)]).toEqual([i, undefined]);
    }
  });

  test("the last signature character's spare bits cannot be changed unnoticed", () => {
    const signed = signCookie("user", "ann", SECRET);
    const last = signed.at(-1) as string;
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (const c of alphabet) {
      if (c === last) continue;
      expect(verifySignedCookie("user", signed.slice(0, -1) + c, SECRET)).toBeUndefined();
    }
  });

  test("a value signed for one name is refused under another (names swapped)", () => {
    const a = signCookie("role", "admin", SECRET);
    const b = signCookie("nick", "admin", SECRET);
    expect(verifySignedCookie("nick", a, SECRET)).toBeUndefined();
    expect(verifySignedCookie("role", b, SECRET)).toBeUndefined();
  });

  test("truncated, unsigned, re-signed and wrong-secret values read as absent, never as plain text", () => {
    const signed = signCookie("user", "ann", SECRET);
    expect(verifySignedCookie("user", signed.slice(0, -1), SECRET)).toBeUndefined();
    expect(verifySignedCookie("user", signed.slice(0, 10), SECRET)).toBeUndefined();
    expect(verifySignedCookie("user", "ann", SECRET)).toBeUndefined();
    expect(verifySignedCookie("user", "", SECRET)).toBeUndefined();
    expect(verifySignedCookie("user", `${signed}x`, SECRET)).toBeUndefined();
    expect(verifySignedCookie("user", `bob${signed.slice(3)}`, SECRET)).toBeUndefined();
    expect(verifySignedCookie("user", signCookie("user", "ann", OTHER), SECRET)).toBeUndefined();
    expect(verifySignedCookie("user", `ann.${"é".repeat(43)}`, SECRET)).toBeUndefined();
  });

  test("secret rotation: signs with the first, verifies with any", () => {
    const old = signCookie("user", "ann", OTHER);
    const rotated = [SECRET, OTHER];
    expect(verifySignedCookie("user", old, rotated)).toBe("ann");
    const fresh = signCookie("user", "ann", rotated);
    expect(fresh).toBe(signCookie("user", "ann", SECRET));
    expect(verifySignedCookie("user", fresh, [SECRET])).toBe("ann");
    expect(verifySignedCookie("user", fresh, [OTHER])).toBeUndefined();
  });

  test.each<[string, string | string[]]>([
    ["a short secret", "short"],
    ["31 characters", "x".repeat(31)],
    ["no secret", []],
    ["a short secret among good ones", [SECRET, "short"]],
  ])("%s is a COOKIE_SECRET error, for signing and verifying", (_label, secret) => {
    const expected = expect.objectContaining({ code: ErrorCode.COOKIE_SECRET });
    expect(() => signCookie("a", "1", secret)).toThrow(expected);
    expect(() => verifySignedCookie("a", "1.x", secret)).toThrow(expected);
  });

  test("the error names the minimum length but not the secret", () => {
    expect(() => signCookie("a", "1", "hunter2")).toThrow(/7 characters; at least 32/);
    expect(() => signCookie("a", "1", "hunter2")).not.toThrow(/hunter2/);
  });

  test("a name that would make the signed text ambiguous is refused", () => {
    expect(() => signCookie("a=b", "c", SECRET)).toThrow(expect.objectContaining({ code: ErrorCode.COOKIE_INVALID }));
  });
});
