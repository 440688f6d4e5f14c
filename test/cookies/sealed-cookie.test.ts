import { sealCookieValue, serializeCookie, unsealCookieValue } from "../../platform/cookies";
import { ErrorCode } from "../../platform/errors";

const SECRET = "s".repeat(32);
const OTHER = "t".repeat(48);

describe("sealed cookies", () => {
  test("numbers, strings, nested objects, arrays and Dates round-trip", async () => {
    const data = {
      n: 42,
      f: -1.5,
      s: "héllo; world",
      nested: { deep: { list: [1, "two", { three: 3 }], when: new Date("2024-02-29T12:34:56.789Z") } },
      created: new Date(0),
      flags: [true, false, null],
      empty: {},
    };
    const sealed = await sealCookieValue(data, SECRET);
    expect(sealed).not.toContain("héllo");
    const back = (await unsealCookieValue(sealed, SECRET)) as typeof data;
    expect(back).toEqual(data);
    expect(back.created).toBeInstanceOf(Date);
    expect(back.nested.deep.when.getTime()).toBe(data.nested.deep.when.getTime());
  });

  test("values JSON would lose or alter survive too", async () => {
    const data = [Number.NaN, Infinity, -Infinity, undefined, new Date(Number.NaN), ["a", "d"], { x: ["u"] }];
    const back = (await unsealCookieValue(await sealCookieValue(data, SECRET), SECRET)) as unknown[];
    expect(back[0]).toBeNaN();
    expect(back.slice(1, 4)).toEqual([Infinity, -Infinity, undefined]);
    expect(Number.isNaN((back[4] as Date).getTime())).toBe(true);
    expect(back.slice(5)).toEqual([["a", "d"], { x: ["u"] }]);
  });

  test("top-level primitives, an empty object and a __proto__ key round-trip", async () => {
    for (const value of [7, "text", null, true, {}]) {
      expect(await unsealCookieValue(await sealCookieValue(value, SECRET), SECRET)).toEqual(value);
    }
    const tricky = JSON.parse('{"__proto__": {"polluted": true}}');
    const back = (await unsealCookieValue(await sealCookieValue(tricky, SECRET), SECRET)) as Record<string, unknown>;
    expect(Object.getOwnPropertyDescriptor(back, "__proto__")?.value).toEqual({ polluted: true });
    expect((back as { polluted?: unknown }).polluted).toBeUndefined();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  test("a seal is a valid cookie value", async () => {
    const sealed = await sealCookieValue({ user: "ann" }, SECRET);
    expect(serializeCookie("session", sealed)).toBe(`session=${sealed}`);
  });

  test("tampering anywhere in the seal reads as absent", async () => {
    const sealed = await sealCookieValue({ user: "ann", admin: false }, SECRET);
    const positions = [0, 8, sealed.indexOf("*", 10) + 3, Math.floor(sealed.length / 2), sealed.length - 5, sealed.length - 1];
    for (const i of positions) {
      const replacement = sealed[i] === "A" ? "B" : "A";
      const tampered = sealed.slice(0, i) + replacement + sealed.slice(i + 1);
      expect([i, await unsealCookieValue(tampered, SECRET)]).toEqual([i, undefined]);
    }
    expect(await unsealCookieValue(sealed.slice(0, -3), SECRET)).toBeUndefined();
    expect(await unsealCookieValue("not a seal", SECRET)).toBeUndefined();
    expect(await unsealCookieValue("", SECRET)).toBeUndefined();
  });

  test("a changed expiry field is tampering too", async () => {
    const sealed = await sealCookieValue({ a: 1 }, SECRET, { ttl: 60 });
    const parts = sealed.split("*");
    parts[5] = String(Number(parts[5]) + 3_600_000);
    expect(await unsealCookieValue(parts.join("*"), SECRET)).toBeUndefined();
  });

  test("a wrong secret reads as absent; rotation accepts the old one", async () => {
    const old = await sealCookieValue({ v: 1 }, OTHER);
    expect(await unsealCookieValue(old, SECRET)).toBeUndefined();
    expect(await unsealCookieValue(old, [SECRET, OTHER])).toEqual({ v: 1 });
    const fresh = await sealCookieValue({ v: 2 }, [SECRET, OTHER]);
    expect(await unsealCookieValue(fresh, SECRET)).toEqual({ v: 2 });
    expect(await unsealCookieValue(fresh, [OTHER, SECRET])).toEqual({ v: 2 });
    expect(await unsealCookieValue(fresh, OTHER)).toBeUndefined();
  });

  describe("expiry", () => {
    afterEach(() => jest.useRealTimers());

    test("an expired seal reads as absent", async () => {
      const sealed = await sealCookieValue({ a: 1 }, SECRET, { ttl: 120 });
      expect(await unsealCookieValue(sealed, SECRET)).toEqual({ a: 1 });
      jest.useFakeTimers({ now: Date.now() + 10 * 60 * 1000, doNotFake: ["setImmediate", "nextTick", "queueMicrotask"] });
      expect(await unsealCookieValue(sealed, SECRET)).toBeUndefined();
    });

    test("ttl 0 never expires; a reader with a ttl refuses seals that outlive it", async () => {
      const forever = await sealCookieValue({ a: 1 }, SECRET, { ttl: 0 });
      expect(forever.split("*")[5]).toBe("");
      expect(await unsealCookieValue(forever, SECRET)).toEqual({ a: 1 });
      expect(await unsealCookieValue(forever, SECRET, { ttl: 3600 })).toBeUndefined();
      const month = await sealCookieValue({ a: 1 }, SECRET, { ttl: 30 * 24 * 3600 });
      expect(await unsealCookieValue(month, SECRET, { ttl: 3600 })).toBeUndefined();
      const hour = await sealCookieValue({ a: 1 }, SECRET, { ttl: 3600 });
      expect(await unsealCookieValue(hour, SECRET, { ttl: 3600 })).toEqual({ a: 1 });
    });

    test("the default ttl is 14 days", async () => {
      const before = Date.now();
      const sealed = await sealCookieValue({ a: 1 }, SECRET);
      const expiry = Number(sealed.split("*")[5]);
      expect(expiry - before).toBeGreaterThanOrEqual(14 * 24 * 3600 * 1000);
      expect(expiry - before).toBeLessThan(14 * 24 * 3600 * 1000 + 5000);
    });
  });

  test("a secret shorter than 32 characters is a clear COOKIE_SECRET error", async () => {
    const expected = { code: ErrorCode.COOKIE_SECRET, message: expect.stringContaining("at least 32") };
    await expect(sealCookieValue({ a: 1 }, "too-short")).rejects.toMatchObject(expected);
    await expect(unsealCookieValue("x", "too-short")).rejects.toMatchObject(expected);
    await expect(unsealCookieValue("x", [SECRET, "too-short"])).rejects.toMatchObject(expected);
  });

  test.each<[string, unknown]>([
    ["a Map", new Map()],
    ["a Set", new Set([1])],
    ["a bigint", 1n],
    ["a function", () => 1],
    ["a class instance", new (class Point {})()],
    ["a cycle", (() => {
      const o: Record<string, unknown> = {};
      o.self = o;
      return o;
    })()],
  ])("sealing %s is refused rather than silently altered", async (_label, value) => {
    await expect(sealCookieValue({ value }, SECRET)).rejects.toMatchObject({ code: ErrorCode.COOKIE_INVALID });
  });

  test("shared references that are not cycles are fine", async () => {
    const shared = { x: 1 };
    expect(await unsealCookieValue(await sealCookieValue({ a: shared, b: shared }, SECRET), SECRET)).toEqual({
      a: { x: 1 },
      b: { x: 1 },
    });
  });
});
