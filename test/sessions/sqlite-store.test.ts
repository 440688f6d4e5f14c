import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { ErrorCode } from "../../platform";
import {getSession, SessionManager } from "../../sessions";
import { SqliteStore } from "../../sessions/stores/sqlite-store";
import { FakeBrowser, rejection, visit } from "./session-harness";
import { describeStoreConformance } from "./store-conformance";

describeStoreConformance("sqlite", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsmod-sqlite-conformance-"));
  const file = join(dir, "sessions.sqlite");
  return {
    openStore: () => new SqliteStore(file),
    options: { "tsmod.session.type": "sqlite" },
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describe("sqlite store", () => {
  let dir: string;
  const stores: SqliteStore[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "tsmod-sqlite-"));
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  });
  const open = (file = join(dir, "s.sqlite")) => {
    const store = new SqliteStore(file);
    stores.push(store);
    return store;
  };
  /** A lock row as a holder that no longer runs would have left it. */
  function plantLock(file: string, id: string, pid: number, processToken: string) {
    const db = new Database(file);
    db.prepare("insert into tsmod_session_locks (id, owner, pid, process) values (?, 'gone', ?, ?)").run(id, pid, processToken);
    db.close();
  }
  const id = "0123456789abcdef0123456789abcdef";

  it("two instances creating the schema at the same time both succeed (migration race)", async () => {
    const file = join(dir, "race.sqlite");
    const [a, b] = [open(file), open(file)];
    const locks = await Promise.all([a.lock(id, 1000).then((l) => l.release()), b.lock(id.replace("0", "1"), 1000).then((l) => l.release())]);
    expect(locks).toHaveLength(2);
    const db = new Database(file, { readonly: true });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.prepare("select count(*) as n from tsmod_session_migrations").get()).toEqual({ n: 2 });
    db.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it("puts the file under tsmod.session.database_directory, relative to the server root", async () => {
    const manager = new SessionManager({ serverRoot: dir, cleanupIntervalMs: 0 });
    await visit(new FakeBrowser({ "tsmod.session.database_directory": "data/sessions" }), manager, (s) => s.save());
    await manager.close();
    expect(statSync(join(dir, "data/sessions/tsmod-sessions.sqlite")).isFile()).toBe(true);
  });

  it("frees a lock whose holder process has died", async () => {
    const file = join(dir, "s.sqlite");
    const store = open(file);
    await (await store.lock(id, 1000)).release(); // creates the schema
    const child = spawn(process.execPath, ["-e", ""]);
    const deadPid = child.pid as number;
    await new Promise((resolve) => child.on("exit", resolve));
    plantLock(file, id, deadPid, "other-process");
    const lock = await store.lock(id, 1000);
    await lock.release();
  });

  it("frees a lock left by a dead process that had this process's pid", async () => {
    const file = join(dir, "s.sqlite");
    const store = open(file);
    await (await store.lock(id, 1000)).release();
    plantLock(file, id, process.pid, "an-earlier-process");
    await (await store.lock(id, 1000)).release();
  });

  it("waits for a live holder in another process, then fails with 503", async () => {
    const file = join(dir, "s.sqlite");
    const store = open(file);
    await (await store.lock(id, 1000)).release();
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 10000)"]);
    try {
      plantLock(file, id, child.pid as number, "other-process");
      const error = await rejection(store.lock(id, 150));
      expect([error.code, error.status]).toEqual([ErrorCode.SESSION_LOCK_TIMEOUT, 503]);
    } finally {
      child.kill();
    }
  });

  it("compiles no SQL per request: every statement is prepared when the file is opened", async () => {
    const store = open();
    const record = { id, data: "{}", created: 1, accessed: 1, timeout: 60 };
    await (await store.lock(id, 1000)).release(); // opens and migrates
    const prepare = jest.spyOn(Database.prototype, "prepare");
    try {
      for (let i = 0; i < 3; i++) {
        const lock = await store.lock(id, 1000);
        await lock.load({ id });
        await lock.save({ ...record, data: `{"n":${i}}` });
        await lock.release();
      }
      await store.deleteExpired(Date.now());
      expect(prepare).not.toHaveBeenCalled();
    } finally {
      prepare.mockRestore();
    }
  });

  it("answers 503 naming the store when the file cannot be opened", async () => {
    writeFileSync(join(dir, "not-a-folder"), "");
    const manager = new SessionManager({ serverRoot: dir, cleanupIntervalMs: 0 });
    const b = new FakeBrowser({ "tsmod.session.database": "not-a-folder/s.sqlite" });
    const req = b.request();
    await getSession(req, manager); // a new session touches no database
    const session = await getSession(req, manager);
    const error = await rejection(session.save());
    expect([error.code, error.status]).toEqual([ErrorCode.SESSION_STORE_UNAVAILABLE, 503]);
    expect(error.message).toMatch(/^session store "sqlite" is unavailable: /);
    await req.finish();
    await manager.close();
  });
});
