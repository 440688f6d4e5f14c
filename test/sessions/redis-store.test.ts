import { randomBytes } from "node:crypto";
import { ErrorCode } from "../../platform";
import { readSessionConfig, SessionManager } from "../../sessions";
import { RedisStore, type RedisStoreOptions } from "../../sessions/stores/redis-store";
import { describeWithRedis, dropPrefix, REDIS_URL as url, uniquePrefix, withRedis } from "../helpers/redis";
import { FakeBrowser, rejection, visit } from "./session-harness";
import { describeStoreConformance } from "./store-conformance";

const log = (message: string) => console.warn(message);
const id = () => randomBytes(16).toString("hex");

it("answers 503 naming the store, quickly, when Redis is unreachable, and logs the outage once", async () => {
  const logged: string[] = [];
  const manager = new SessionManager({ cleanupIntervalMs: 0, log: (m) => logged.push(m) });
  const b = new FakeBrowser({ "tsmod.session.type": "redis", "tsmod.session.url": "redis://127.0.0.1:1" });
  b.jar.set("tsmodsid", "0123456789abcdef0123456789abcdef"); // a well-formed id: the store must be asked
  const started = Date.now();
  const error = await rejection(visit(b, manager, () => undefined));
  expect([error.code, error.status]).toEqual([ErrorCode.SESSION_STORE_UNAVAILABLE, 503]);
  expect(error.message).toMatch(/^session store "redis" is unavailable: /);
  expect(Date.now() - started).toBeLessThan(3000);
  expect(logged.filter((m) => /Redis connection failed/.test(m))).toHaveLength(1);
  await manager.close();
});

it("needs a redis:// URL in tsmod.session.url for tsmod.session.type redis", () => {
  const read = (options: Record<string, string>) => () => readSessionConfig({ get: (name) => options[name] });
  expect(read({ "tsmod.session.type": "redis" })).toThrow(/TsOption tsmod\.session\.url must be a redis:\/\/ or rediss:\/\/ URL/);
  expect(read({ "tsmod.session.type": "redis", "tsmod.session.url": "http://x" })).toThrow(/got "http:\/\/x"/);
  expect(read({ "tsmod.session.type": "redis", "tsmod.session.url": "redis://h:1", "tsmod.session.key_prefix": "a b" })).toThrow(/key_prefix must not contain spaces/);
  expect(readSessionConfig({ get: (name) => ({ "tsmod.session.type": "redis", "tsmod.session.url": "rediss://h:1" })[name] })).toMatchObject({
    type: "redis",
    url: "rediss://h:1",
    keyPrefix: "tsmod:session:",
  });
});

describeWithRedis("on Redis (TSMOD_TEST_REDIS_URL)", () => {
  describeStoreConformance("redis", async () => {
    const keyPrefix = uniquePrefix();
    return {
      openStore: () => new RedisStore({ url, keyPrefix, log }),
      options: { "tsmod.session.type": "redis", "tsmod.session.url": url, "tsmod.session.key_prefix": keyPrefix },
      dispose: () => dropPrefix(keyPrefix),
    };
  });

  describe("redis store", () => {
    let keyPrefix: string;
    const stores: RedisStore[] = [];
    const open = (options: Partial<RedisStoreOptions> = {}) => {
      const store = new RedisStore({ url, keyPrefix, log, ...options });
      stores.push(store);
      return store;
    };
    const record = (sessionId: string, data: string) => ({ id: sessionId, data, created: 1, accessed: Date.now(), timeout: 60 });
    beforeEach(() => {
      keyPrefix = uniquePrefix();
    });
    afterEach(async () => {
      await Promise.all(stores.splice(0).map((s) => s.close()));
      await dropPrefix(keyPrefix);
    });

    it("keeps its keys under the prefix, the record with Redis's own expiry", async () => {
      const sessionId = id();
      const held = await open().lock(sessionId, 2000);
      expect(await withRedis((r) => r.pttl(`${keyPrefix}lock:${sessionId}`))).toBeGreaterThan(20_000);
      await held.save(record(sessionId, '{"a":1}'));
      await held.release();
      const keys = await withRedis((r) => r.keys(`${keyPrefix}*`));
      expect(keys.sort()).toEqual([`${keyPrefix}${sessionId}`, `${keyPrefix}expiry-index`]);
      const ttl = await withRedis((r) => r.pttl(`${keyPrefix}${sessionId}`));
      expect(ttl).toBeGreaterThan(55_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
    });

    it("a lock whose holder stopped is free after its lease; the late holder's writes are refused", async () => {
      const [a, b] = [open({ lockLeaseMs: 150 }), open({ lockLeaseMs: 150 })];
      const sessionId = id();
      const first = await a.lock(sessionId, 2000);
      // The holder "froze": no renewals reach Redis (its lock key is made to run out as if so).
      await withRedis((r) => r.pexpire(`${keyPrefix}lock:${sessionId}`, 1));
      const second = await b.lock(sessionId, 2000);
      await second.save(record(sessionId, '{"by":"second"}'));
      await first.save(record(sessionId, '{"by":"first"}'));
      const error = await rejection(first.release()); // not its lock any more
      expect([error.code, error.message]).toEqual([ErrorCode.SESSION_STORE_UNAVAILABLE, expect.stringMatching(/expired before its writes/)]);
      await second.release();
      const third = await a.lock(sessionId, 2000);
      expect((await third.load({ id: sessionId }))?.data).toBe('{"by":"second"}');
      await third.release();
    });

    it("renews the lease of a holder that is still working", async () => {
      const [a, b] = [open({ lockLeaseMs: 150 }), open({ lockLeaseMs: 150 })];
      const sessionId = id();
      const held = await a.lock(sessionId, 2000);
      const error = await rejection(b.lock(sessionId, 500)); // three leases long
      expect(error.code).toBe(ErrorCode.SESSION_LOCK_TIMEOUT);
      await held.save(record(sessionId, "{}"));
      await held.release();
    });

    it("releases only its own lock: a stranger's token is left alone", async () => {
      const sessionId = id();
      const lockKey = `${keyPrefix}lock:${sessionId}`;
      const held = await open().lock(sessionId, 2000);
      await withRedis((r) => r.set(lockKey, "someone-else"));
      await held.release(); // nothing written: no error, and the other token stays
      expect(await withRedis((r) => r.get(lockKey))).toBe("someone-else");
    });
  });
});
