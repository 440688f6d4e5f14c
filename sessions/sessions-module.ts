import * as path from "node:path";
import { APLOG_ERR, ModuleSet, defineModule, moduleState, type CheckContext, type Request, type SessionLike, type TsmodModule } from "../platform";
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
    options: SESSION_OPTIONS,
    check: checkSessionOptions,
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

const SESSION_OPTIONS = {
  "tsmod.session.type": "session store: a sessionStore provider's name (memory, sqlite, postgres, redis, cookie, ...)",
  "tsmod.session.database": "SQLite file or postgres:// URL",
  "tsmod.session.schema": "PostgreSQL schema of the session tables",
  "tsmod.session.database_directory": "folder of the SQLite file when no database is given",
  "tsmod.session.cookie_name": "session cookie name (default tsmodsid)",
  "tsmod.session.timeout": "seconds of inactivity before a session expires",
  "tsmod.session.lock_timeout": "seconds to wait for a session's lock",
  "tsmod.session.application_path": "cookie Path",
  "tsmod.session.application_domain": "cookie Domain",
  "tsmod.session.secure": "mark the cookie Secure",
  "tsmod.session.url": "the Redis server of tsmod.session.type redis (redis:// or rediss:// URL)",
  "tsmod.session.key_prefix": "prefix of the Redis keys of the sessions (default tsmod:session:)",
};

/**
 * A store type no module provides fails every session at run time: it is a load-time error.
 * configtest also wants the SQLite folders named writable.
 */
function checkSessionOptions(ctx: CheckContext): void {
  const stores = ctx.providers<SessionStoreProvider>("sessionStore");
  for (const l of ctx.config.lines) {
    if (l.spec.name !== "TsOption" || !l.args[1]) continue;
    const [key, value] = l.args;
    if (key === "tsmod.session.type" && !stores.has(value.toLowerCase())) {
      ctx.report(l.file, l.line, `TsOption tsmod.session.type: no session store '${value}' is loaded (have: ${[...stores.keys()].join(", ")})${ModuleSet.suggest(value, stores.keys())}`);
    }
    if (ctx.deep && key === "tsmod.session.database_directory") ctx.deep.writable(path.resolve(ctx.config.serverRoot, value), `TsOption ${key}`, l, "folder");
    if (ctx.deep && key === "tsmod.session.database" && !/^\w+:\/\//.test(value)) ctx.deep.writable(path.dirname(path.resolve(ctx.config.serverRoot, value)), `TsOption ${key}`, l, "folder");
  }
}

/** The sessions of `startServer` and `tsmod serve`: the real clock. */
export const sessionsModule = createSessionsModule();
