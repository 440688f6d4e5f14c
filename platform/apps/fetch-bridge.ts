import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { appEnv, type AppEnv } from "./app-env";

export type NodeListener = (req: IncomingMessage, res: ServerResponse) => void;

/** Where a fault of the app that no caller can catch is reported. */
export type AppErrorReport = (req: IncomingMessage, error: unknown) => void;

/** A fetch-style application: Hono, itty-router, any `{ fetch(request, env) }`. */
export interface FetchApp {
  fetch(request: Request, env: AppEnv, ctx?: unknown): Response | Promise<Response>;
}

const NO_BODY = new Set(["GET", "HEAD"]);

/**
 * A fetch app as a Node listener: the request becomes a WHATWG Request (its URL below the
 * mount point, its body streamed), the Response goes out through `res` with backpressure.
 */
export function fetchListener(app: FetchApp, onError: AppErrorReport): NodeListener {
  return (req, res) => {
    serveFetch(app, req, res).catch((e: unknown) => {
      onError(req, e);
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end();
      } else res.destroy();
    });
  };
}

async function serveFetch(app: FetchApp, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const env = appEnv(req);
  const host = req.headers.host ?? "localhost";
  const scheme = (req.socket as { encrypted?: boolean } | null)?.encrypted ? "https" : "http";
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    // HTTP/2-style pseudo headers never reach here; names Headers refuses would be a client fault.
    headers.append(raw[i], raw[i + 1]);
  }
  const method = req.method ?? "GET";
  const hasBody = !NO_BODY.has(method) && (req.headers["content-length"] !== undefined ? req.headers["content-length"] !== "0" : req.headers["transfer-encoding"] !== undefined);
  const controller = new AbortController();
  res.once("close", () => controller.abort());
  const request = new Request(`${scheme}://${host}${req.url ?? "/"}`, {
    method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
    signal: controller.signal,
    // Required by undici for a streamed body.
    ...(hasBody ? { duplex: "half" } : {}),
  } as RequestInit);
  const response = await app.fetch(request, env);
  await sendResponse(response, res);
}

async function sendResponse(response: Response, res: ServerResponse): Promise<void> {
  const head: Record<string, string | string[]> = {};
  for (const [name, value] of response.headers) if (name !== "set-cookie") head[name] = value;
  const cookies = response.headers.getSetCookie();
  if (cookies.length) head["set-cookie"] = cookies;
  if (response.statusText) res.writeHead(response.status, response.statusText, head);
  else res.writeHead(response.status, head);
  const body = response.body;
  if (!body) {
    res.end();
    return;
  }
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    if (!res.write(chunk)) await new Promise<void>((resolve) => {
      const go = () => {
        res.off("drain", go);
        res.off("close", go);
        resolve();
      };
      res.once("drain", go);
      res.once("close", go);
    });
    if (res.destroyed) return;
  }
  res.end();
}
