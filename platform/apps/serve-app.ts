import { APLOG_ERR, DONE, OK } from "../constants";
import { TsmodError } from "../errors";
import { autoReloadOn } from "../loader";
import { requestStorage, type Request } from "../request";
import { setAppEnv, tsmodRequest } from "./app-env";
import { appListener, type AppListener } from "./app-adapter";
import { appRequest } from "./app-request";
import { appResponse } from "./app-response";
import type { AppMount } from "./directives";
import type { IncomingMessage } from "node:http";

/** The mount translation chose for a request, kept for its content step. */
const MOUNT = {};

export function setMount(req: Request, mount: AppMount): void {
  requestStorage(req, MOUNT, () => ({ mount })).mount = mount;
}

/** The mount of a request translation gave to an app; null for any other request. */
export function mountOf(req: Request): AppMount | null {
  return (req._state.modules?.get(MOUNT) as { mount: AppMount } | undefined)?.mount ?? null;
}

/** The app of a mount, loaded through the request's interpreter (so `TsAutoReload` reloads it). */
export function loadApp(req: Request, mount: AppMount): Promise<AppListener> {
  const exports = req._state.runtime.registry(req.interpreter).load(mount.file, { autoReload: autoReloadOn(req._state.plan.core.settings) });
  return appListener(exports, mount.exportName, mount.file, reportAppError);
}

/** A fault of the app no caller catches (a fetch app's rejected promise): logged with its request. */
function reportAppError(appReq: IncomingMessage, error: unknown): void {
  const req = tsmodRequest(appReq);
  const text = `app error: ${(error as Error | null)?.stack ?? String(error)}`;
  if (req) req.logError(`${req.uri}: ${text}`, APLOG_ERR);
  else console.error(text);
}

/**
 * The content step of a mounted app, in the server's own process: every earlier phase has run;
 * the app gets a Node request below the mount and a response writing into tsmod's output.
 * A body the app could not read (too large, too slow) answers with that error's status when
 * the app had not answered yet.
 */
export async function serveInProcess(req: Request, mount: AppMount): Promise<number> {
  const app = await loadApp(req, mount);
  let bodyError: TsmodError | null = null;
  const appReq = appRequest(req, mount, (e) => {
    if (e instanceof TsmodError) bodyError = e;
  });
  setAppEnv(appReq, { user: req.user, mountPath: mount.prefix, tsmod: req });
  if ((req.raw as IncomingMessage & { upgrade?: boolean }).upgrade && app.upgrade) return upgrade(req, appReq, app);
  const response = appResponse(req, appReq);
  app.listener(appReq, response.res);
  await response.done;
  const failed = bodyError as TsmodError | null;
  if (failed && !req.headersSent && !response.res.headersSent) {
    req._state.output.discard();
    return failed.status;
  }
  void req._state.output.whenFinished().then(response.finished);
  return OK;
}

/**
 * A WebSocket (or other) upgrade the module's `upgrade` export takes over: the connection is
 * the app's from here (it writes the 101 itself); the request ends, for the log, when the
 * connection closes.
 */
async function upgrade(req: Request, appReq: IncomingMessage, app: AppListener): Promise<number> {
  const socket = req.raw.socket;
  const raw = req.rawResponse;
  raw.detachSocket(socket);
  req.status = 101;
  const closed = new Promise<void>((resolve) => socket.once("close", resolve));
  app.upgrade!(appReq, socket, Buffer.alloc(0));
  await closed;
  // The response object never had the connection: done with, so completing it is a no-op.
  raw.destroy();
  return DONE;
}
