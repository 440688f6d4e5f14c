import { ErrorCode } from "../../platform";
import { isValidSessionId, newSessionId } from "../../sessions";
import { assertJsonValue } from "../../sessions/json-value";
import { KeyedMutex, MutexTimeout } from "../../sessions/keyed-mutex";
import { serializeExpiredSessionCookie, serializeSessionCookie } from "../../sessions/session-cookie";

describe("session ids", () => {
  it("are 128 random bits as 32 lowercase hex characters, never repeating", () => {
    const ids = new Set(Array.from({ length: 1000 }, newSessionId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
  });

  it.each(["", "../../etc/passwd", "a".repeat(33), "a".repeat(31), "A".repeat(32), "g".repeat(32), 42, null])(
    "rejects %j",
    (value) => expect(isValidSessionId(value)).toBe(false),
  );
});

describe("session cookie serialisation", () => {
  const attributes = { path: "/app", domain: "example.org", secure: true };

  it("always sets HttpOnly and SameSite=Lax, and Secure when asked", () => {
    expect(serializeSessionCookie("sid", "abc", attributes)).toBe(
      "sid=abc; Path=/app; Domain=example.org; HttpOnly; SameSite=Lax; Secure",
    );
    expect(serializeSessionCookie("sid", "abc", { path: "/", domain: undefined, secure: false })).toBe(
      "sid=abc; Path=/; HttpOnly; SameSite=Lax",
    );
  });

  it("expires a cookie with Max-Age=0 and a past Expires", () => {
    expect(serializeExpiredSessionCookie("sid", attributes)).toBe(
      "sid=; Path=/app; Domain=example.org; HttpOnly; SameSite=Lax; Secure; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
    );
  });

  it("refuses values that would break the header", () => {
    expect(() => serializeSessionCookie("sid", "a;b", attributes)).toThrow(/invalid session cookie value/);
  });
});

describe("assertJsonValue", () => {
  it("accepts JSON data", () => {
    expect(() => assertJsonValue({ a: [1, "x", true, null, { b: 2.5 }], c: Object.create(null) }, "v")).not.toThrow();
  });

  it.each([
    [{ when: new Date(0) }, "v.when is a Date"],
    [[1, undefined], "v[1] is undefined"],
    [{ n: Infinity }, "v.n is the number Infinity"],
    [{ f: () => 1 }, "v.f is a function"],
    [{ s: Symbol("x") }, "v.s is a symbol"],
    [new (class Point {})(), "v is a Point"],
  ])("refuses %p with a clear message", (value, message) => {
    expect(() => assertJsonValue(value, "v")).toThrow(
      expect.objectContaining({ code: ErrorCode.SESSION_VALUE, message: expect.stringContaining(message) }),
    );
  });

  it("refuses cycles but accepts the same object twice", () => {
    const shared = { x: 1 };
    expect(() => assertJsonValue({ a: shared, b: shared }, "v")).not.toThrow();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => assertJsonValue(cyclic, "v")).toThrow(/v\.self is a circular reference/);
  });
});

describe("KeyedMutex", () => {
  it("grants one key at a time in arrival order, and different keys at once", async () => {
    const mutex = new KeyedMutex();
    const order: string[] = [];
    const first = await mutex.acquire("a", 1000);
    const other = await mutex.acquire("b", 1000);
    const second = mutex.acquire("a", 1000).then((release) => (order.push("second"), release));
    const third = mutex.acquire("a", 1000).then((release) => (order.push("third"), release));
    order.push("first");
    first();
    first(); // a second call must not release someone else's turn
    (await second)();
    (await third)();
    other();
    expect(order).toEqual(["first", "second", "third"]);
    expect(mutex.size).toBe(0);
  });

  it("gives up after the bound and leaves the queue clean", async () => {
    const mutex = new KeyedMutex();
    const held = await mutex.acquire("a", 1000);
    await expect(mutex.acquire("a", 20)).rejects.toBeInstanceOf(MutexTimeout);
    const next = mutex.acquire("a", 1000);
    held();
    (await next)();
    expect(mutex.size).toBe(0);
  });
});
