import { ErrorCode } from "../../platform";
import { getSession, MemoryStore, SessionManager } from "../../sessions";
import { FakeBrowser, rejection } from "./session-harness";
import { describeStoreConformance } from "./store-conformance";

describeStoreConformance("memory", async () => {
  // One backing map per instance: that is what "shared: false" declares.
  return { openStore: () => new MemoryStore(), options: { "tsmod.session.type": "memory" }, dispose: async () => {} };
});

describe("memory store", () => {
  it("is refused with a clear error when several workers serve requests", async () => {
    const manager = new SessionManager({ workers: 2, cleanupIntervalMs: 0 });
    const req = new FakeBrowser({ "tsmod.session.type": "memory" }).request();
    const error = await rejection(getSession(req, manager));
    expect(error.code).toBe(ErrorCode.SESSION_CONFIG);
    expect(error.message).toMatch(/memory keeps sessions in one process, but 2 workers/);
    await manager.close();
  });
});
