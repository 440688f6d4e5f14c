import { ErrorCode } from "../../platform";
import { getSession, MemoryStore, SessionManager, type SessionStore } from "../../sessions";
import { FakeBrowser, FakeClock, rejection, visit } from "./session-harness";

describe("SessionManager", () => {
  describe("with the cleanup interval's timer under the test's control", () => {
    // Only the interval is faked: the stores' promises and I/O run for real.
    beforeEach(() => jest.useFakeTimers({ doNotFake: ["nextTick", "setImmediate", "queueMicrotask", "setTimeout", "clearTimeout", "Date"] }));
    afterEach(() => jest.useRealTimers());

    it("removes expired sessions periodically, off the request path", async () => {
      const clock = new FakeClock();
      const store = new MemoryStore();
      const cleaned = jest.spyOn(store, "deleteExpired");
      const manager = new SessionManager({ clock: clock.now, cleanupIntervalMs: 20, createStore: () => store });
      await visit(new FakeBrowser({ "tsmod.session.type": "memory" }), manager, (s) => s.save());
      clock.advance(1801);
      expect(cleaned).not.toHaveBeenCalled(); // not on the request path
      await jest.advanceTimersByTimeAsync(20);
      expect(cleaned).toHaveBeenCalledTimes(1);
      expect(await cleaned.mock.results[0].value).toBe(1);
      await manager.close();
      expect(jest.getTimerCount()).toBe(0); // the timer stopped
      await jest.advanceTimersByTimeAsync(100);
      expect(cleaned).toHaveBeenCalledTimes(1);
    });
  });

  it("logs a failing cleanup instead of throwing", async () => {
    const logged: string[] = [];
    const broken: SessionStore = Object.assign(new MemoryStore(), {
      name: "broken",
      deleteExpired: () => Promise.reject(new Error("disk on fire")),
    });
    const manager = new SessionManager({ cleanupIntervalMs: 0, log: (m) => logged.push(m), createStore: () => broken });
    await visit(new FakeBrowser(), manager, () => undefined);
    expect(await manager.cleanup()).toBe(0);
    expect(logged).toEqual(['tsmod sessions: cleanup of store "broken" failed: disk on fire']);
    await manager.close();
  });

  it("shares one store between configurations naming the same place", async () => {
    const created: SessionStore[] = [];
    const manager = new SessionManager({
      cleanupIntervalMs: 0,
      createStore: () => (created.push(new MemoryStore()), created[created.length - 1]),
    });
    const memory = { "tsmod.session.type": "memory" };
    await visit(new FakeBrowser(memory), manager, () => undefined);
    await visit(new FakeBrowser({ ...memory, "tsmod.session.timeout": "60" }), manager, () => undefined);
    await visit(new FakeBrowser({ "tsmod.session.type": "cookie", "tsmod.secret": "x".repeat(32) }), manager, () => undefined);
    expect(created).toHaveLength(2);
    await manager.close();
  });

  it("answers 503 once closed (shutdown)", async () => {
    const manager = new SessionManager({ cleanupIntervalMs: 0 });
    await manager.close();
    const error = await rejection(getSession(new FakeBrowser({ "tsmod.session.type": "memory" }).request(), manager));
    expect([error.code, error.status]).toEqual([ErrorCode.SESSION_STORE_UNAVAILABLE, 503]);
  });
});
