import type { IncomingMessage } from "node:http";
import type { Request } from "../request";

/** What a fetch-style app gets as `env`, and Node listeners through `tsmodRequest(req)`. */
export interface AppEnv {
  /** The user earlier phases authenticated (Basic auth, a TsAuthenHandler), or null. */
  readonly user: string | null;
  /** The URL path the app is mounted at (SCRIPT_NAME): "" for the root. */
  readonly mountPath: string;
  /** The tsmod Request, when the app runs in the server's own process (not in a daemon group). */
  readonly tsmod: Request | null;
}

const envs = new WeakMap<IncomingMessage, AppEnv>();

/** @internal set by the bridge that hands `req` to an app. */
export function setAppEnv(req: IncomingMessage, env: AppEnv): void {
  envs.set(req, env);
}

/** The env of a request an app was handed; an empty one for any other request. */
export function appEnv(req: IncomingMessage): AppEnv {
  return envs.get(req) ?? { user: null, mountPath: "", tsmod: null };
}

/**
 * The tsmod Request behind the Node request a mounted app was handed (its user, notes,
 * session, `subprocessEnv`), or undefined when there is none (a daemon group's process).
 */
export function tsmodRequest(req: IncomingMessage): Request | undefined {
  return envs.get(req)?.tsmod ?? undefined;
}
