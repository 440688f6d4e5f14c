import { readSessionConfig } from "./session-config";
import { Session } from "./session";
import type { SessionManager } from "./session-manager";
import type { SessionRequest } from "./session-request";

const opened = new WeakMap<SessionRequest, Promise<Session>>();

/**
 * The request's session, loaded (or started) and locked on the first call; every later call
 * for the same request returns the same object. The lock is released when the request ends,
 * also when its handler threw.
 */
export function getSession(req: SessionRequest, manager: SessionManager): Promise<Session> {
  let session = opened.get(req);
  if (session === undefined) {
    session = open(req, manager);
    opened.set(req, session);
  }
  return session;
}

async function open(req: SessionRequest, manager: SessionManager): Promise<Session> {
  const config = readSessionConfig(req.getOptions(), manager.storeTypes);
  const store = manager.store(config);
  const cookies = req.cookies();
  const cookieValue = Object.hasOwn(cookies, config.cookieName) ? cookies[config.cookieName] : undefined;
  const session = await Session.open({ req, config, store, manager }, cookieValue);
  req.registerCleanup(() => session.unlock());
  return session;
}
