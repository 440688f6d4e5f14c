import { getSession, type Session, SessionManager, type SessionRequest, type SessionStore } from "../../sessions";

/** A settable clock for SessionManager: expiry is tested by moving time, never by sleeping. */
export class FakeClock {
  #now = Date.UTC(2025, 0, 1);
  readonly now = (): number => this.#now;
  advance(seconds: number): void {
    this.#now += seconds * 1000;
  }
}

/** Keeps the cookies a server set, like a browser, and sends them with each request. */
export class FakeBrowser {
  readonly jar = new Map<string, string>();

  constructor(
    readonly options: Record<string, string> = {},
    readonly isHttps = false,
  ) {}

  /** Another browser with a copy of this one's cookies: a second tab, or an attacker's replay. */
  clone(): FakeBrowser {
    const copy = new FakeBrowser(this.options, this.isHttps);
    for (const [name, value] of this.jar) copy.jar.set(name, value);
    return copy;
  }

  request(): FakeRequest {
    return new FakeRequest(this);
  }

  absorb(setCookie: string): void {
    const [pair, ...attributes] = setCookie.split("; ");
    const eq = pair.indexOf("=");
    const name = pair.slice(0, eq);
    if (attributes.some((a) => a.toLowerCase() === "max-age=0")) this.jar.delete(name);
    else this.jar.set(name, pair.slice(eq + 1));
  }
}

export class FakeRequest implements SessionRequest {
  readonly setCookies: string[] = [];
  readonly #cleanups: (() => unknown)[] = [];
  readonly #cookies: Record<string, string>;

  constructor(readonly browser: FakeBrowser) {
    this.#cookies = Object.fromEntries(browser.jar);
  }

  get isHttps(): boolean {
    return this.browser.isHttps;
  }

  getOptions() {
    return { get: (name: string) => this.browser.options[name] };
  }

  cookies(): Record<string, string> {
    return this.#cookies;
  }

  addSetCookie(headerValue: string): void {
    this.setCookies.push(headerValue);
  }

  registerCleanup(fn: () => unknown): void {
    this.#cleanups.push(fn);
  }

  /** The response reaches the browser, then the request's cleanups run (as the server does). */
  async finish(): Promise<void> {
    for (const header of this.setCookies) this.browser.absorb(header);
    for (const fn of this.#cleanups) await fn();
  }
}

/** One request that opens the session, runs `handler` and ends, also when `handler` throws. */
export async function visit<T>(
  browser: FakeBrowser,
  manager: SessionManager,
  handler: (session: Session, req: FakeRequest) => T | Promise<T>,
): Promise<T> {
  const req = browser.request();
  try {
    return await handler(await getSession(req, manager), req);
  } finally {
    await req.finish();
  }
}

/** Wraps a store to count the writes that reach it. */
export function countWrites(store: SessionStore): { store: SessionStore; writes: () => number } {
  let writes = 0;
  const counted: SessionStore = {
    name: store.name,
    capabilities: store.capabilities,
    decodeCookie: (value) => store.decodeCookie(value),
    lock: async (id, waitMs) => {
      const lock = await store.lock(id, waitMs);
      return {
        load: (cookie) => lock.load(cookie),
        save: (record) => {
          writes++;
          return lock.save(record);
        },
        delete: (sessionId) => lock.delete(sessionId),
        release: () => lock.release(),
      };
    },
    deleteExpired: (now) => store.deleteExpired(now),
    close: () => store.close(),
  };
  return { store: counted, writes: () => writes };
}

/** Resolves to the rejection of `promise`, failing when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string; status?: number }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}
