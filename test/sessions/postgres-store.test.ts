import { randomBytes } from "node:crypto";
import { ErrorCode } from "../../platform";
import {SessionManager } from "../../sessions";
import { PostgresStore, type PostgresStoreOptions } from "../../sessions/stores/postgres-store";
import {
  adminQuery,
  createOtherSessionSchema,
  describeWithPostgres,
  dropSchema,
  PG_URL as url,
  SESSION_TABLES,
  tablesIn,
  uniqueSchema,
} from "../helpers/postgres";
import { FakeBrowser, rejection, visit } from "./session-harness";
import { describeStoreConformance } from "./store-conformance";

const log = (message: string) => console.warn(message);

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

describeWithPostgres("on PostgreSQL (TSMOD_TEST_PG_URL), beside another site's session schema", () => {
  // The multi-site recipe: another site's tsmod session tables already live in the database.
  // Every store below must still get, and use, tables of its own schema.
  let otherSite: string;
  beforeAll(async () => {
    otherSite = await createOtherSessionSchema();
  });
  afterAll(async () => {
    if (otherSite !== undefined) await dropSchema(otherSite);
  });

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
    const open = (options: Partial<PostgresStoreOptions> = {}) => {
      const store = new PostgresStore({ connectionString: url, schema, log: (m) => logged.push(m), ...options });
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

    /** TSMOD_TEST_PG_URL with the connection's search_path set to `searchPath` (no tsmod.session.schema). */
    const urlWithSearchPath = (searchPath: string) => {
      const withPath = new URL(url);
      withPath.searchParams.set("options", `-c search_path=${searchPath}`);
      return withPath.href;
    };
    /** Saves a session through one store instance and reads it back through a second one. */
    async function saveAndReload(openStore: () => PostgresStore, sessionId: string, data: string): Promise<string | undefined> {
      const held = await openStore().lock(sessionId, 2000);
      await held.save({ id: sessionId, data, created: 1, accessed: Date.now(), timeout: 60 });
      await held.release();
      const again = await openStore().lock(sessionId, 2000);
      try {
        return (await again.load({ id: sessionId }))?.data;
      } finally {
        await again.release();
      }
    }

    it("gets tables of its own schema when another site's schema already holds tsmod's session tables", async () => {
      expect(await tablesIn(otherSite)).toEqual(SESSION_TABLES);
      expect(await saveAndReload(open, id(), '{"site":2}')).toBe('{"site":2}');
      expect(await tablesIn(schema)).toEqual(SESSION_TABLES);
      expect(await adminQuery(`select id from "${otherSite}".tsmod_sessions`)).toEqual([]);
    });

    it("without tsmod.session.schema, gets its tables in the connection's schema, not another site's", async () => {
      await adminQuery(`create schema "${schema}"`);
      const connectionString = urlWithSearchPath(schema);
      expect(await saveAndReload(() => open({ connectionString, schema: undefined }), id(), "{}")).toBe("{}");
      expect(await tablesIn(schema)).toEqual(SESSION_TABLES);
    });

    it("answers 503 saying so when the connection's search_path names no existing schema", async () => {
      const store = open({ connectionString: urlWithSearchPath(schema), schema: undefined });
      const error = await rejection(store.lock(id(), 2000));
      expect([error.code, error.status]).toEqual([ErrorCode.SESSION_STORE_UNAVAILABLE, 503]);
      expect(error.message).toMatch(/search_path names no existing schema: set TsOption tsmod\.session\.schema$/);
      expect(await tablesIn(schema)).toEqual([]);
    });

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
      const holder = await adminQuery<{ pid: number }>(
        `select pid from pg_locks where locktype = 'advisory' and granted
           and ((classid::bigint << 32) | objid::bigint) = hashtextextended($1, 0)`,
        [`tsmod-session:${sessionId}`],
      );
      expect(holder).toHaveLength(1);
      await adminQuery("select pg_terminate_backend($1)", [holder[0].pid]);
      const next = await b.lock(sessionId, 2000);
      expect(await next.load({ id: sessionId })).toBeUndefined(); // nothing half-written
      await next.release();
      const error = await rejection(held.release());
      expect(error.code).toBe(ErrorCode.SESSION_STORE_UNAVAILABLE);
      // Reported, not thrown into the event loop: an unheard pg 'error' would end the process.
      expect(logged.join("\n")).toMatch(/PostgreSQL connection failed: terminating connection/);
    });
  });
});
