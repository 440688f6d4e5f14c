import { runInNewContext } from "node:vm";
import { andThen, isThenable } from "../platform/maybe-promise";

test("a plain value goes to next at once, and its result comes back without a promise", () => {
  expect(andThen(2, (n) => n + 1)).toBe(3);
});

test("a promise is waited for; a rejection passes by next", async () => {
  const result = andThen(Promise.resolve(2), (n) => n + 1);
  expect(result).toBeInstanceOf(Promise);
  expect(await result).toBe(3);
  const next = jest.fn();
  await expect(andThen(Promise.reject(new Error("no")), next)).rejects.toThrow("no");
  expect(next).not.toHaveBeenCalled();
});

test("another realm's promise and a plain thenable count as promises; other values do not", async () => {
  const foreign = runInNewContext("Promise.resolve(5)") as Promise<number>;
  expect(foreign instanceof Promise).toBe(false);
  expect(await andThen(foreign, (n) => n * 2)).toBe(10);
  const callable = Object.assign(() => undefined, { then: (ok: (v: number) => void) => ok(1) });
  expect(isThenable(callable)).toBe(true);
  for (const v of [null, undefined, 0, "then", { then: 1 }, () => 1]) expect(isThenable(v)).toBe(false);
});
