import { webcrypto } from "node:crypto";
import { sealData, unsealData } from "iron-session";
import { defaults, seal, unseal } from "iron-webcrypto";
import { ironSeal, ironUnseal } from "../../platform/cookies";

const secret = "a-test-secret-that-is-long-enough-for-iron";
const other = "another-secret-that-is-long-enough-for-iron!";
const known = (id: string): string | undefined => (id === "k1" ? secret : id === "k2" ? other : undefined);

describe("synchronous Fe26.2 seals", () => {
  it("are opened by iron-webcrypto, and open iron-webcrypto's", async () => {
    const data = { user: "ann", n: [1, 2], nested: { ok: true }, text: "Fünf Äpfel" };
    const ours = ironSeal(data, { id: "k1", secret }, 60_000);
    expect(await unseal(webcrypto, ours, { k1: secret }, defaults)).toEqual(data);
    const theirs = await seal(webcrypto, data, { id: "k2", secret: other }, { ...defaults, ttl: 60_000 });
    expect(ironUnseal(theirs, known)).toEqual(data);
  });

  it("interoperate with iron-session's sealData/unsealData (numeric ids, ~2 marker)", async () => {
    const ours = ironSeal({ a: 1 }, { id: "7", secret }, 60_000) + "~2";
    expect(await unsealData(ours, { password: { 7: secret } })).toEqual({ a: 1 });
    const theirs = await sealData({ b: 2 }, { password: { 9: other }, ttl: 60 });
    expect(ironUnseal(theirs.slice(0, -2), (id) => (id === "9" ? other : undefined))).toEqual({ b: 2 });
  });

  it("derive the sealing keys once: seals of one process share their salts, never their IV", () => {
    const a = ironSeal({ a: 1 }, { id: "k1", secret }, 0).split("*");
    const b = ironSeal({ a: 1 }, { id: "k1", secret }, 0).split("*");
    expect([a[2], a[6]]).toEqual([b[2], b[6]]);
    expect(a[3]).not.toBe(b[3]);
    expect(a[4]).not.toBe(b[4]);
  });

  it("refuse tampered, expired, foreign-key and malformed seals", () => {
    const sealed = ironSeal({ admin: false }, { id: "k1", secret }, 60_000);
    const parts = sealed.split("*");
    for (const i of [2, 3, 4, 5, 6, 7]) {
      const tampered = [...parts];
      tampered[i] = tampered[i].slice(0, -1) + (tampered[i].endsWith("A") ? "B" : "A");
      expect(() => ironUnseal(tampered.join("*"), known)).toThrow();
    }
    expect(() => ironUnseal(sealed, (id) => (id === "k1" ? other : undefined))).toThrow(/hmac/);
    expect(() => ironUnseal(sealed, () => undefined)).toThrow(/password id/);
    expect(() => ironUnseal("Fe26.2*a*b", known)).toThrow(/components/);
    const expired = ironSeal({ a: 1 }, { id: "k1", secret }, 1);
    jest.useFakeTimers({ now: Date.now() + 61_001 });
    try {
      expect(() => ironUnseal(expired, known)).toThrow(/expired/);
    } finally {
      jest.useRealTimers();
    }
  });
});
