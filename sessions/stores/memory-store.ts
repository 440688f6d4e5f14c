import { decodeIdCookie } from "../session-id";
import { expiresAt, type SessionCookie, type SessionRecord, type SessionStore, type StoreLock } from "../session-store";

/**
 * Sessions in this process's memory: for development and single-process servers. Its lock
 * is a no-op because the manager's in-process mutex already serialises requests, and there
 * is no other process to exclude.
 */
export class MemoryStore implements SessionStore {
  readonly name = "memory";
  readonly capabilities = { serverSide: true, serialisesRequests: true, shared: false } as const;
  readonly #records = new Map<string, SessionRecord>();

  decodeCookie(value: string): Promise<SessionCookie | undefined> {
    return decodeIdCookie(value);
  }

  async lock(): Promise<StoreLock> {
    const records = this.#records;
    return {
      load: async (cookie) => records.get(cookie.id),
      save: async (record) => {
        records.set(record.id, record);
        return record.id;
      },
      delete: async (id) => {
        records.delete(id);
      },
      release: async () => {},
    };
  }

  async deleteExpired(now: number): Promise<number> {
    let count = 0;
    for (const [id, record] of this.#records) {
      if (expiresAt(record) < now) {
        this.#records.delete(id);
        count++;
      }
    }
    return count;
  }

  async close(): Promise<void> {
    this.#records.clear();
  }
}
