import * as path from "node:path";
import type { ExtensionsFactory, Request, SessionLike } from "../platform";
import { getSession } from "./get-session";
import { type Clock, SessionManager } from "./session-manager";
import type { SessionRequest } from "./session-request";

/** The request a session belongs to: internal redirects share the session of the first. */
function firstOf(req: Request): Request {
  let r = req;
  while (r.prev) r = r.prev;
  return r;
}

/** The session library's view of a tsmod request chain; cookies go out with the latest request. */
class RequestView implements SessionRequest {
  readonly isHttps: boolean;

  constructor(
    private readonly first: Request,
    public current: Request,
  ) {
    this.isHttps = first.isHttps();
  }

  getOptions() {
    return this.current.getOptions();
  }

  cookies() {
    return this.first.cookies();
  }

  addSetCookie(headerValue: string): void {
    this.current.addSetCookie(headerValue);
  }

  registerCleanup(fn: () => unknown): void {
    this.first.registerCleanup(fn);
  }
}

/**
 * `req.getSession()` for each loaded configuration, with a clock of its own (tests of expiry
 * move it instead of sleeping). The manager (stores, pools, the cleanup timer) is created on
 * the first session, so sites that never use sessions open nothing. SQLite files default to
 * `<ServerRoot>/data`.
 */
export function createSessionExtensions(options: { clock?: Clock } = {}): ExtensionsFactory {
  return (config, log) => {
    let manager: SessionManager | undefined;
    const views = new WeakMap<Request, RequestView>();
    return {
      getSession(req: Request): Promise<SessionLike> {
        manager ??= new SessionManager({
          clock: options.clock,
          serverRoot: config.serverRoot,
          dataDirectory: path.join(config.serverRoot, "data"),
          workers: config.workers,
          log,
        });
        const first = firstOf(req);
        let view = views.get(first);
        if (!view) {
          view = new RequestView(first, req);
          views.set(first, view);
        }
        view.current = req;
        return getSession(view, manager);
      },
      close: async () => {
        await manager?.close();
      },
    };
  };
}

/** The sessions of `startServer` and `tsmod serve`: the real clock. */
export const sessionExtensions: ExtensionsFactory = createSessionExtensions();
