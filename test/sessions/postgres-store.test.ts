import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { ErrorCode } from "../../platform";
import {SessionManager } from "../../sessions";
import { PostgresStore } from "../../sessions/stores/postgres-store";
import { FakeBrowser, rejection, visit } from "./session-harness";
import { describeStoreConformance } from "./store-conformance";

const url = process.env.TSMOD_TEST_PG_URL;
const log = (message: string) => console.warn(message);

/** A schema of its own per run, so parallel runs never meet; dropped afterwards. */
function uniqueSchema(): string {
  return `tsmod_test_${process.pid}_${randomBytes(4).toString("hex")}`;
}

async function dropSchema(schema: string): Promise<void> {
  const admin = new Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await admin.end();
  }
}

it("answers 503 naming the store, quickly, when PostgreSQL is unreachable", async () => {
  const manager = new SessionManager({ cleanupIntervalMs: 0, log });
  const b = new FakeBrowser({ "tsmod.session.type": "postgres", "tsmod.session.database": "postgres://postgres@127.0.0.1:1/x" });
  b.jar.set("tsmodsid", "0123456789abcdef0123456789abcdef"); // a well-formed id: the store must be asked
  const started = Date.now();
  const error = await rejection(visit(b, manager, () => undefined));
  expect([error.code, error.status]).toEqual([ErrorCode.SESSION_STORE_UNAVAILABLE, 503]);
  expect(error.message).toMatch(/^session store "postgres" is unavailable: /);
  expect(Date.now() - started).toBeLessThan(3000);
  await manager.close();
});

if (url === undefined) {
  it("PostgreSQL tests skipped: TSMOD_TEST_PG_URL not set", () => {
    console.warn("PostgreSQL tests skipped: TSMOD_TEST_PG_URL not set");
  });
} else {
  describeStoreConformance("postgres", async () => {
    const schema = uniqueSchema();
    return {
      openStore: () => new PostgresStore({ connectionString: url, schema, log }),
      options: { "tsmod.session.type": "postgres", "tsmod.session.database": url },
      dispose: () => dropSchema(schema),
    };
  });

  describe("postgres store", () => {
    let schema: string;
    let logged: string[];
    const stores: PostgresStore[] = [];
    const open = () => {
      const store = new PostgresStore({ connectionString: url, schema, log: (m) => logged.push(m) });
      stores.push(store);
      return store;
    };
    beforeEach(() => {
      schema = uniqueSchema();
      logged = [];
    });
    afterEach(async () => {
      await Promise.all(stores.splice(0).map((s) => s.close()));
      await dropSchema(schema);
    });
    const id = () => randomBytes(16).toString("hex");

    it("two instances creating the schema at the same time both succeed (migration race)", async () => {
      const [a, b] = [open(), open()];
      const locks = await Promise.all([a.lock(id(), 2000), b.lock(id(), 2000)]);
      await Promise.all(locks.map((l) => l.release()));
      expect(await a.deleteExpired(Date.now())).toBe(0);
    });

    it("frees the lock of a holder whose connection died, and reports its lost writes", async () => {
      const [a, b] = [open(), open()];
      const sessionId = id();
      const held = await a.lock(sessionId, 2000);
      await held.save({ id: sessionId, data: "{}", created: 1, accessed: Date.now(), timeout: 60 });
      const admin = new Client({ connectionString: url });
      await admin.connect();
      try {
        const holder = await admin.query(
          `select pid from pg_locks where locktype = 'advisory' and granted
             and ((classid::bigint << 32) | objid::bigint) = hashtextextended($1, 0)`,
          [`tsmod-session:${sessionId}`],
        );
        expect(holder.rows).toHaveLength(1);
        await admin.query("select pg_terminate_backend($1)", [holder.rows[0].pid]);
      } finally {
        await admin.end();
      }
      const next = await b.lock(sessionId, 2000);
      expect(await next.load({ id: sessionId })).toBeUndefined(); // nothing half-written
      await next.release();
      const error = await rejection(held.release());
      expect(error.code).toBe(ErrorCode.SESSION_STORE_UNAVAILABLE);
      // Reported, not thrown into the event loop: an unheard pg 'error' would end the process.
      expect(logged.join("\n")).toMatch(/PostgreSQL connection failed: terminating connection/);
    });
  });
}
