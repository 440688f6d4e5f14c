import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { ErrorCode, TsmodError } from "../errors";
import { fetchListener, type AppErrorReport, type FetchApp, type NodeListener } from "./fetch-bridge";

/** `upgrade(req, socket, head)`: the shape of Node's `'upgrade'` event, which `ws` takes. */
export type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** Any supported app, as what a Node server would call. */
export interface AppListener {
  readonly listener: NodeListener;
  readonly upgrade: UpgradeListener | null;
  readonly kind: "node" | "fetch" | "fastify" | "koa";
}

interface FastifyLike {
  routing(req: IncomingMessage, res: unknown): void;
  ready(): PromiseLike<unknown>;
}

const isFunction = (v: unknown): v is (...args: never[]) => unknown => typeof v === "function";

/** One adapter per module instance: a reload gives new exports, hence a new adapter. */
const adapters = new WeakMap<object, Map<string, Promise<AppListener>>>();

/**
 * The app a module exports (`exportName`, else the default export, else `app`) as a Node
 * listener: a request listener as it is, a fetch app through the fetch bridge, a Koa app
 * through `callback()`, a Fastify instance through its router (`routing`, once `ready()`).
 */
export function appListener(exports: Record<string, unknown>, exportName: string | null, file: string, onError: AppErrorReport): Promise<AppListener> {
  const key = exportName ?? "";
  let perModule = adapters.get(exports);
  if (!perModule) adapters.set(exports, (perModule = new Map()));
  let adapted = perModule.get(key);
  if (!adapted) {
    adapted = adapt(exports, exportName, file, onError);
    // A failed start (Fastify's ready) is tried again by the next request.
    adapted.catch(() => perModule.delete(key));
    perModule.set(key, adapted);
  }
  return adapted;
}

async function adapt(exports: Record<string, unknown>, exportName: string | null, file: string, onError: AppErrorReport): Promise<AppListener> {
  // `module.exports = app` (CommonJS) makes the module's exports the app itself.
  const app = exportName !== null ? exports[exportName] : (exports.default ?? exports.app ?? exports);
  const named = exportName !== null ? `export '${exportName}'` : "default export (or 'app')";
  const upgrade = isFunction(exports.upgrade) ? (exports.upgrade as UpgradeListener) : null;
  if (app === undefined || app === null) throw new TsmodError(ErrorCode.APP_NOT_FOUND, `${file}: no ${named} to serve`);
  const obj = app as Record<string, unknown>;
  if (isFunction(obj.routing) && isFunction(obj.ready)) {
    const fastify = app as FastifyLike;
    await fastify.ready();
    return { listener: (req, res) => fastify.routing(req, res), upgrade, kind: "fastify" };
  }
  if (isFunction(app)) return { listener: app as unknown as NodeListener, upgrade, kind: "node" };
  if (isFunction(obj.fetch)) return { listener: fetchListener(app as FetchApp, onError), upgrade, kind: "fetch" };
  if (isFunction(obj.callback)) return { listener: (obj.callback as () => NodeListener).call(app), upgrade, kind: "koa" };
  throw new TsmodError(
    ErrorCode.APP_NOT_FOUND,
    `${file}: the ${named} is not an app: expected a request listener (req, res), an object with fetch(request, env), a Fastify instance or a Koa app`,
  );
}
