import { serializeCookie } from "../../platform/cookies";
import { ErrorCode } from "../../platform/errors";

describe("serializeCookie", () => {
  test("renders every attribute, Max-Age with its real name (mod_python wrote max_age=)", () => {
    const header = serializeCookie("sid", "abc123", {
      maxAge: 3600,
      expires: new Date(Date.UTC(2030, 0, 2, 3, 4, 5)),
      path: "/app",
      domain: "example.com",
      secure: true,
      httpOnly: true,
      sameSite: "Strict",
      partitioned: true,
    });
    expect(header).toBe(
      "sid=abc123; Max-Age=3600; Domain=example.com; Path=/app; Expires=Wed, 02 Jan 2030 03:04:05 GMT; HttpOnly; Secure; Partitioned; SameSite=Strict",
    );
    expect(header).not.toContain("max_age");
  });

  test("no options: just the pair; Max-Age 0 deletes; fractional seconds round down", () => {
    expect(serializeCookie("a", "1")).toBe("a=1");
    expect(serializeCookie("a", "", { maxAge: 0 })).toBe("a=; Max-Age=0");
    expect(serializeCookie("a", "1", { maxAge: 59.9 })).toBe("a=1; Max-Age=59");
    expect(serializeCookie("a", "1", { sameSite: "Lax" })).toBe("a=1; SameSite=Lax");
    expect(serializeCookie("a", "1", { sameSite: "None", secure: true })).toBe("a=1; Secure; SameSite=None");
  });

  test.each<[string, () => string, RegExp]>([
    ["a name with a space", () => serializeCookie("bad name", "v"), /argument name is invalid/],
    ["an empty name", () => serializeCookie("", "v"), /argument name is invalid/],
    ["a value with ;", () => serializeCookie("a", "x;y"), /argument val is invalid/],
    ["a value with a space", () => serializeCookie("a", "x y"), /argument val is invalid/],
    ["a header injection", () => serializeCookie("a", "x\r\nSet-Cookie: evil=1"), /argument val is invalid/],
    ["a bad domain", () => serializeCookie("a", "1", { domain: "exa mple.com" }), /domain is invalid/],
    ["a path with ;", () => serializeCookie("a", "1", { path: "/x; Secure" }), /path is invalid/],
    ["an invalid date", () => serializeCookie("a", "1", { expires: new Date("nope") }), /expires is invalid/],
    ["an infinite maxAge", () => serializeCookie("a", "1", { maxAge: Infinity }), /maxAge is invalid/],
    ["SameSite=None without Secure", () => serializeCookie("a", "1", { sameSite: "None" }), /requires secure/],
    ["Partitioned without Secure", () => serializeCookie("a", "1", { partitioned: true }), /requires secure/],
    ["__Secure- without Secure", () => serializeCookie("__Secure-a", "1"), /__Secure-/],
    ["__Host- with a domain", () => serializeCookie("__Host-a", "1", { secure: true, path: "/", domain: "x.com" }), /__Host-/],
    ["__Host- without path /", () => serializeCookie("__Host-a", "1", { secure: true }), /__Host-/],
    ["a cookie over 4096 bytes", () => serializeCookie("a", "x".repeat(4096)), /4096 bytes/],
  ])("refuses %s with COOKIE_INVALID", (_label, make, message) => {
    expect(make).toThrow(expect.objectContaining({ code: ErrorCode.COOKIE_INVALID, message: expect.stringMatching(message) }));
  });

  test("a correct __Host- cookie is accepted", () => {
    expect(serializeCookie("__Host-id", "1", { secure: true, path: "/" })).toBe("__Host-id=1; Path=/; Secure");
  });
});
