import * as path from "node:path";
import { APLOG_ERR, defineModule, moduleState, type Request, type SessionLike, type TsmodModule } from "../platform";
import { getSession } from "./get-session";
import { type Clock, SessionManager } from "./session-manager";
import type { SessionRequest } from "./session-request";
import { SHIPPED_STORES, type SessionStoreProvider } from "./stores/create-store";

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
 * The sessions of one loaded configuration. The manager (stores, pools, the cleanup timer) is
 * created on the first session, so sites that never use sessions open nothing.
 */
class SiteSessions {
  private manager: SessionManager | undefined;
  private readonly views = new WeakMap<Request, RequestView>();

  constructor(private readonly make: () => SessionManager) {}

  get(req: Request): Promise<SessionLike> {
    this.manager ??= this.make();
    const first = firstOf(req);
    let view = this.views.get(first);
    if (!view) {
      view = new RequestView(first, req);
      this.views.set(first, view);
    }
    view.current = req;
    return getSession(view, this.manager);
  }

  async close(): Promise<void> {
    await this.manager?.close();
  }
}

/**
 * `req.getSession()` as a module, with the session stores as providers of kind `sessionStore`
 * (a module of its own may add another: `providers: { sessionStore: { redis: ... } }`). SQLite
 * files default to `<ServerRoot>/data`. `clock` lets tests of expiry move time instead of sleeping.
 */
export function createSessionsModule(options: { clock?: Clock } = {}): TsmodModule {
  const module: TsmodModule = defineModule({
    name: "session",
    providers: { sessionStore: SHIPPED_STORES },
    start: (ctx) =>
      new SiteSessions(
        () =>
          new SessionManager({
            clock: options.clock,
            serverRoot: ctx.config.serverRoot,
            dataDirectory: path.join(ctx.config.serverRoot, "data"),
            workers: ctx.main.workers,
            log: (message) => ctx.errorLog.log(message, APLOG_ERR),
            stores: ctx.providers<SessionStoreProvider>("sessionStore"),
          }),
      ),
    stop: (sessions: SiteSessions) => sessions.close(),
    services: { getSession: (req) => moduleState<SiteSessions>(req, module).get(req) },
  });
  return module;
}

/** The sessions of `startServer` and `tsmod serve`: the real clock. */
export const sessionsModule = createSessionsModule();
