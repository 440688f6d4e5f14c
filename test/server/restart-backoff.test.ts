import { RestartBackoff } from "../../platform/cluster";

describe("RestartBackoff", () => {
  test("a worker that ran a while is replaced at once; young deaths in a row double the wait, up to the cap", () => {
    const b = new RestartBackoff(1000, 100, 1000);
    expect(b.next(60_000)).toBe(0);
    expect([b.next(10), b.next(10), b.next(10), b.next(10), b.next(10), b.next(10)]).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(b.next(5000)).toBe(0);
    expect(b.next(10)).toBe(100);
  });
});
