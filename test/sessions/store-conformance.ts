import { setImmediate as tick } from "node:timers/promises";
import { ErrorCode, TsmodError } from "../../platform";
import { getSession, isValidSessionId, SessionManager, type SessionStore } from "../../sessions";
import { countWrites, FakeBrowser, FakeClock, rejection, visit } from "./session-harness";

export interface ConformanceTarget {
  /** A new store instance on the same backing data at each call: two calls are two "processes". */
  openStore(): SessionStore;
  /** TsOptions the store needs (tsmod.session.type, tsmod.secret, ...). */
  options: Record<string, string>;
  /** Removes the backing data (temp folder, schema). */
  dispose(): Promise<void>;
}

const ILLEGAL_IDS: Record<string, string> = {
  "path traversal": "../../etc/passwd",
  "mod_python's traversal attack": "/path/traversal/attack/bad",
  "1000 characters": "a".repeat(1000),
  "mod_python's overlong id": "abcdef".repeat(64),
  "32 non-hex characters": "z".repeat(32),
  "upper-case hex": "ABCDEF0123456789ABCDEF0123456789",
  empty: "",
};

/**
 * The behaviour every session store must show, through getSession as a handler sees it.
 * Where a store cannot promise something (see StoreCapabilities), the case asserts the
 * documented alternative instead of being skipped.
 */
export function describeStoreConformance(name: string, setup: () => Promise<ConformanceTarget>): void {
  describe(`session store conformance: ${name}`, () => {
    let target: ConformanceTarget;
    let managers: SessionManager[] = [];

    beforeAll(async () => {
      target = await setup();
    });
    afterEach(async () => {
      await Promise.all(managers.map((m) => m.close()));
      managers = [];
    });
    afterAll(async () => {
      await target?.dispose();
    });

    /** A server: its own manager and store instance on the shared backing data. */
    function server(clock = new FakeClock()) {
      const counted = countWrites(target.openStore());
      const manager = new SessionManager({ clock: clock.now, cleanupIntervalMs: 0, createStore: () => counted.store });
      managers.push(manager);
      return { manager, clock, writes: counted.writes, store: counted.store };
    }
    const browser = (options: Record<string, string> = {}, isHttps = false) =>
      new FakeBrowser({ ...target.options, ...options }, isHttps);
    const capabilities = () => target.openStore().capabilities;
    /** Whether `id` still has a row: read past the session layer, which would hide expiry. */
    async function present(store: SessionStore, id: string): Promise<boolean> {
      const lock = await store.lock(id, 1000);
      try {
        return (await lock.load({ id })) !== undefined;
      } finally {
        await lock.release();
      }
    }

    it("creates a session, saves it and loads it on the next request", async () => {
      const { manager } = server();
      const b = browser();
      const first = await visit(b, manager, async (s, req) => {
        expect(s.isNew).toBe(true);
        expect(isValidSessionId(s.id)).toBe(true);
        s.set("user", { name: "ada", roles: ["admin"] });
        await s.save();
        expect(req.setCookies).toHaveLength(1);
        expect(req.setCookies[0]).toMatch(/^tsmodsid=[^;]+; Path=\/; HttpOnly; SameSite=Lax$/);
        return { id: s.id, created: s.created };
      });
      await visit(b, manager, (s, req) => {
        expect(s.isNew).toBe(false);
        expect(s.id).toBe(first.id);
        expect(s.created).toBe(first.created);
        expect(s.get("user")).toEqual({ name: "ada", roles: ["admin"] });
        expect(req.setCookies).toEqual([]);
      });
    });

    it("gives the same object for every getSession call of one request", async () => {
      const { manager } = server();
      const req = browser().request();
      const [a, b] = await Promise.all([getSession(req, manager), getSession(req, manager)]);
      expect(a).toBe(b);
      expect(await getSession(req, manager)).toBe(a);
      await req.finish();
    });

    it("get/set/delete/has/keys work on the loaded data", async () => {
      const { manager } = server();
      const b = browser();
      await visit(b, manager, async (s) => {
        s.set("a", 1);
        s.set("b", "two");
        s.set("__proto__", { harmless: true });
        await s.save();
      });
      await visit(b, manager, async (s) => {
        expect(s.has("a")).toBe(true);
        expect(s.get<number>("a")).toBe(1);
        expect(s.get("__proto__")).toEqual({ harmless: true });
        expect(s.keys().sort()).toEqual(["__proto__", "a", "b"]);
        expect(s.delete("a")).toBe(true);
        expect(s.delete("a")).toBe(false);
        expect(s.has("a")).toBe(false);
        expect(s.get("missing")).toBeUndefined();
        await s.save();
      });
      await visit(b, manager, (s) => expect(s.keys().sort()).toEqual(["__proto__", "b"]));
    });

    it("refuses values JSON cannot round-trip, at set() and at save()", async () => {
      const { manager } = server();
      await visit(browser(), manager, async (s) => {
        for (const bad of [new Date(), undefined, () => 1, Number.NaN, new Map(), 10n]) {
          expect(() => s.set("x", bad as never)).toThrow(expect.objectContaining({ code: ErrorCode.SESSION_VALUE }));
        }
        const list: unknown[] = [1];
        s.set("list", list as number[]);
        list.push(new Date());
        const error = await rejection(s.save());
        expect(error.code).toBe(ErrorCode.SESSION_VALUE);
        expect(error.message).toContain("list[1] is a Date");
      });
    });

    it("writes only when the data changed (in place too), not on every save()", async () => {
      const { manager, clock, writes } = server();
      const b = browser();
      await visit(b, manager, async (s) => {
        s.set("cart", { items: [] });
        await s.save();
      });
      expect(writes()).toBe(1);
      clock.advance(10);
      await visit(b, manager, async (s) => {
        await s.save(); // nothing changed
        s.set("cart", { items: [] }); // same value again
        await s.save();
      });
      expect(writes()).toBe(1);
      await visit(b, manager, async (s) => {
        s.get<{ items: string[] }>("cart")?.items.push("book"); // changed in place
        await s.save();
        await s.save();
      });
      expect(writes()).toBe(2);
      await visit(b, manager, (s) => expect(s.get("cart")).toEqual({ items: ["book"] }));
    });

    it("refreshes the access time after a quarter of the timeout, without save()", async () => {
      const { manager, clock, writes } = server();
      const b = browser();
      await visit(b, manager, async (s) => {
        s.set("n", 1);
        await s.save();
      });
      expect(writes()).toBe(1);
      clock.advance(400); // < 1800 / 4
      await visit(b, manager, () => undefined);
      expect(writes()).toBe(1);
      clock.advance(100); // 500 s since the write: due
      await visit(b, manager, () => undefined);
      expect(writes()).toBe(2);
      clock.advance(100);
      await visit(b, manager, () => undefined);
      expect(writes()).toBe(2);
      clock.advance(1500); // 2100 s after creation, 1600 s after the refresh: alive
      await visit(b, manager, (s) => expect([s.isNew, s.get("n")]).toEqual([false, 1]));
    });

    it("treats a session idle for longer than its timeout as new and deletes it", async () => {
      const { manager, clock, store } = server();
      const b = browser({ "tsmod.session.timeout": "60" });
      const id = await visit(b, manager, async (s) => {
        expect(s.timeout).toBe(60);
        s.set("n", 1);
        await s.save();
        return s.id;
      });
      clock.advance(60);
      await visit(b, manager, (s) => expect(s.isNew).toBe(false)); // exactly the timeout: still valid
      clock.advance(61);
      await visit(b, manager, (s) => {
        expect(s.isNew).toBe(true);
        expect(s.id).not.toBe(id);
        expect(s.has("n")).toBe(false);
      });
      if (capabilities().serverSide) expect(await present(store, id)).toBe(false);
    });

    it("saves a changed timeout with the session", async () => {
      const { manager, clock } = server();
      const b = browser();
      await visit(b, manager, async (s) => {
        s.timeout = 10;
        await s.save();
        expect(() => (s.timeout = 0)).toThrow(expect.objectContaining({ code: ErrorCode.SESSION_VALUE }));
      });
      clock.advance(11);
      await visit(b, manager, (s) => expect([s.isNew, s.timeout]).toEqual([true, 1800]));
    });

    it("invalidate() deletes the session and expires the cookie; a later save() cannot revive it", async () => {
      const { manager, store } = server();
      const b = browser();
      const id = await visit(b, manager, async (s) => {
        s.set("user", "ada");
        await s.save();
        return s.id;
      });
      const stolen = b.clone();
      await visit(b, manager, async (s, req) => {
        await s.invalidate();
        expect(s.keys()).toEqual([]);
        s.set("user", "mallory");
        await s.save();
        expect(req.setCookies).toHaveLength(1);
        expect(req.setCookies[0]).toMatch(/^tsmodsid=; Path=\/; HttpOnly; SameSite=Lax; Max-Age=0; Expires=Thu, 01 Jan 1970/);
      });
      expect(b.jar.size).toBe(0);
      await visit(b, manager, (s) => expect(s.isNew).toBe(true));
      if (capabilities().serverSide) {
        expect(await present(store, id)).toBe(false);
        await visit(stolen, manager, (s) => expect(s.isNew).toBe(true));
      } else {
        // Documented: a cookie store cannot revoke a copy of the old cookie before its timeout.
        await visit(stolen, manager, (s) => expect(s.get("user")).toBe("ada"));
      }
    });

    it("regenerate() moves the data to a new id and removes the old one (session fixation)", async () => {
      const { manager, store } = server();
      const b = browser();
      const oldId = await visit(b, manager, async (s) => {
        s.set("cart", ["book"]);
        await s.save();
        return s.id;
      });
      const planted = b.clone(); // the id an attacker fixed in the victim's browser
      const newId = await visit(b, manager, async (s, req) => {
        s.set("user", "ada"); // log-in
        await s.regenerate();
        expect(s.id).not.toBe(oldId);
        expect(req.setCookies).toHaveLength(1);
        return s.id;
      });
      await visit(b, manager, (s) => {
        expect(s.id).toBe(newId);
        expect([s.get("cart"), s.get("user")]).toEqual([["book"], "ada"]);
      });
      await visit(planted, manager, (s) => {
        expect(s.get("user")).toBeUndefined(); // the attacker's copy never sees the log-in
        expect(s.isNew).toBe(capabilities().serverSide);
      });
      if (capabilities().serverSide) expect(await present(store, oldId)).toBe(false);
      await visit(b, manager, async (s) => {
        await s.invalidate();
        await expect(s.regenerate()).rejects.toMatchObject({ code: ErrorCode.SESSION_STATE });
      });
    });

    for (const [label, id] of Object.entries(ILLEGAL_IDS)) {
      it(`ignores an illegal session cookie (${label}) and issues a new session`, async () => {
        const { manager } = server();
        const b = browser();
        b.jar.set("tsmodsid", id);
        await visit(b, manager, async (s, req) => {
          expect(s.isNew).toBe(true);
          expect(s.id).not.toBe(id);
          await s.save();
          expect(req.setCookies).toHaveLength(1);
        });
        expect(b.jar.get("tsmodsid")).not.toBe(id);
        await visit(b, manager, (s) => expect(s.isNew).toBe(false));
      });
    }

    it("does not adopt an unknown, well-formed id chosen by the client", async () => {
      const { manager } = server();
      const b = browser();
      const chosen = "0123456789abcdef0123456789abcdef";
      b.jar.set("tsmodsid", chosen);
      await visit(b, manager, async (s) => {
        expect(s.isNew).toBe(true);
        expect(s.id).not.toBe(chosen);
        await s.save();
      });
      expect(b.jar.get("tsmodsid")).not.toBe(chosen);
    });

    it("sets the cookie attributes from the options and the connection", async () => {
      const { manager } = server();
      const options = {
        "tsmod.session.cookie_name": "app_sid",
        "tsmod.session.application_path": "/path",
        "tsmod.session.application_domain": "example.org",
      };
      for (const [extra, isHttps] of [[{}, true], [{ "tsmod.session.secure": "On" }, false]] as const) {
        await visit(browser({ ...options, ...extra }, isHttps), manager, async (s, req) => {
          await s.save();
          expect(req.setCookies[0]).toMatch(/^app_sid=[^;]+; Path=\/path; Domain=example\.org; HttpOnly; SameSite=Lax; Secure$/);
        });
      }
    });

    it("a second store instance on the same data sees the first one's sessions only when shared", async () => {
      const one = server();
      const two = server();
      const b = browser();
      await visit(b, one.manager, async (s) => {
        s.set("n", 1);
        await s.save();
      });
      await visit(b, two.manager, (s) => expect(s.get("n")).toBe(capabilities().shared ? 1 : undefined));
    });

    it("concurrent requests of one session never lose a write (20 + 20 increments)", async () => {
      const one = server();
      // Shared stores run the two request streams in two store instances ("processes").
      const two = capabilities().shared ? server() : one;
      const b = browser();
      await visit(b, one.manager, async (s) => {
        s.set("n", 0);
        await s.save();
      });
      const increment = (manager: SessionManager) =>
        visit(b, manager, async (s) => {
          const n = s.get<number>("n") ?? 0;
          await tick(); // widen the read-modify-write window
          s.set("n", n + 1);
          await s.save();
        });
      const stream = async (manager: SessionManager) => {
        for (let i = 0; i < 20; i++) await increment(manager);
      };
      await Promise.all([stream(one.manager), stream(two.manager)]);
      const n = await visit(b, one.manager, (s) => s.get<number>("n"));
      if (capabilities().serialisesRequests) expect(n).toBe(40);
      else expect(n).toBeLessThanOrEqual(40); // documented: last writer wins
    });

    it("a request waiting longer than tsmod.session.lock_timeout fails with 503", async () => {
      const one = server();
      const other = capabilities().shared ? server() : one;
      const b = browser({ "tsmod.session.lock_timeout": "0.2" });
      await visit(b, one.manager, async (s) => {
        s.set("n", 1);
        await s.save();
      });
      const holder = b.request();
      await getSession(holder, one.manager);
      for (const manager of new Set([one.manager, other.manager])) {
        const started = Date.now();
        const waiting = visit(b, manager, (s) => s.get("n"));
        if (capabilities().serialisesRequests) {
          const error = await rejection(waiting);
          expect(error).toBeInstanceOf(TsmodError);
          expect([error.code, error.status]).toEqual([ErrorCode.SESSION_LOCK_TIMEOUT, 503]);
          expect(Date.now() - started).toBeLessThan(2000);
        } else {
          expect(await waiting).toBe(1); // documented: no lock, nothing waits
        }
      }
      await holder.finish();
      expect(await visit(b, other.manager, (s) => s.get("n"))).toBe(1);
    });

    it("releases the lock when the request ends, also after the handler threw", async () => {
      const { manager } = server();
      const b = browser({ "tsmod.session.lock_timeout": "0.5" });
      await visit(b, manager, async (s) => {
        s.set("n", 1);
        await s.save();
      });
      await expect(visit(b, manager, () => Promise.reject(new Error("handler failed")))).rejects.toThrow("handler failed");
      expect(await visit(b, manager, (s) => s.get("n"))).toBe(1);
    });

    it("unlock() lets the next request of the session in before this one ends", async () => {
      const { manager } = server();
      const b = browser({ "tsmod.session.lock_timeout": "0.2" });
      await visit(b, manager, async (s) => {
        s.set("n", 1);
        await s.save();
      });
      const first = b.request();
      const session = await getSession(first, manager);
      await session.unlock();
      expect(await visit(b, manager, (s) => s.get("n"))).toBe(1);
      session.set("n", 2);
      await session.save(); // unlocked: locks briefly for the write
      await first.finish();
      expect(await visit(b, manager, (s) => s.get("n"))).toBe(2);
    });

    it("cleanup removes expired sessions and keeps live ones", async () => {
      const { manager, clock, store } = server();
      const ids: string[] = [];
      const create = async () =>
        ids.push(
          await visit(browser(), manager, async (s) => {
            await s.save();
            return s.id;
          }),
        );
      await create();
      await create();
      clock.advance(1000);
      await create();
      clock.advance(900); // the first two are 1900 s old, the third 900 s
      if (capabilities().serverSide) {
        // At least these two: earlier cases' sessions share the backing data and the start time.
        expect(await manager.cleanup()).toBeGreaterThanOrEqual(2);
        expect(await Promise.all(ids.map((id) => present(store, id)))).toEqual([false, false, true]);
        expect(await manager.cleanup()).toBe(0);
      } else {
        expect(await manager.cleanup()).toBe(0); // documented: nothing on the server to remove
      }
    });
  });
}
