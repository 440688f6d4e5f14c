import { IncomingMessage } from "node:http";
import type { Request } from "../request";
import type { AppMount } from "./directives";

/** Headers Node keeps the first of when repeated (its `_addHeaderLine`); others it joins with ", ". */
const SINGLE = new Set(["age", "authorization", "content-length", "content-type", "etag", "expires", "from", "host", "if-modified-since", "if-unmodified-since", "last-modified", "location", "max-forwards", "proxy-authorization", "referer", "retry-after", "server", "user-agent"]);

/** Node's `req.headers` from name/value pairs (the rules of its `_addHeaderLine`). */
function headersObject(pairs: readonly string[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    const key = pairs[i].toLowerCase();
    const value = pairs[i + 1];
    const had = out[key];
    if (had === undefined) out[key] = key === "set-cookie" ? [value] : value;
    else if (key === "set-cookie") (had as string[]).push(value);
    else if (!SINGLE.has(key)) out[key] = `${had as string}, ${value}`;
  }
  return out;
}

/**
 * The request path below the mount point, still percent-encoded as the client sent it, with
 * the query: what the app routes on (mod_wsgi's PATH_INFO). When the client encoded the
 * mount point itself, the decoded remainder is encoded again.
 */
export function urlBelowMount(req: Request, mount: AppMount): string {
  const query = req.args !== null ? `?${req.args}` : "";
  let target = req.unparsedUri;
  if (!target.startsWith("/")) {
    const slash = target.indexOf("/", target.indexOf("//") + 2);
    target = slash < 0 ? "/" : target.slice(slash);
  }
  const q = target.indexOf("?");
  const rawPath = q < 0 ? target : target.slice(0, q);
  const p = mount.prefix;
  if (rawPath.startsWith(p) && (rawPath.length === p.length || rawPath[p.length] === "/")) return (rawPath.slice(p.length) || "/") + query;
  return (encodeURI(req.pathInfo) || "/") + query;
}

/** True when the request declares a body (Content-Length above 0, or chunked). */
function hasBody(req: Request): boolean {
  const h = req.raw.headers;
  return h["transfer-encoding"] !== undefined || (h["content-length"] !== undefined && h["content-length"] !== "0");
}

/**
 * The Node request a mounted app is handed: the request line with the URL below the mount
 * (`originalUrl` the whole one), the headers as earlier phases left them (`req.headersIn`),
 * and the body read through tsmod (input filters, `LimitRequestBody`, `RequestReadTimeout`)
 * as the app pulls it: backpressure reaches the client's socket.
 */
export function appRequest(req: Request, mount: AppMount, onBodyError: (e: unknown) => void): IncomingMessage {
  const raw = req.raw;
  const appReq = new IncomingMessage(raw.socket);
  const pairs: string[] = [];
  for (const [name, value] of req.headersIn) pairs.push(name, value);
  const headers = headersObject(pairs);
  if (raw.headers.upgrade !== undefined) {
    // `Connection: Upgrade` names `Upgrade`, so headersIn dropped it; a WebSocket app needs both.
    headers.connection = raw.headers.connection ?? "Upgrade";
    headers.upgrade = raw.headers.upgrade;
  }
  appReq.headers = headers;
  appReq.rawHeaders = pairs;
  appReq.method = req.method;
  appReq.url = urlBelowMount(req, mount);
  appReq.httpVersion = raw.httpVersion;
  appReq.httpVersionMajor = raw.httpVersionMajor;
  appReq.httpVersionMinor = raw.httpVersionMinor;
  const own = appReq as IncomingMessage & { originalUrl?: string; _read(): void; _destroy(e: Error | null, cb: (e: Error | null) => void): void };
  own.originalUrl = req.unparsedUri;
  // Ending or destroying this stream must never touch the client's socket (Node's would).
  own._destroy = (e, cb) => cb(e);
  if (!hasBody(req)) {
    appReq.complete = true;
    appReq.push(null);
    return appReq;
  }
  // Stream contract: keep pushing until push() says the consumer has enough.
  let reading = false;
  const pump = (): void => {
    if (reading) return;
    reading = true;
    req.read(64 * 1024).then(
      (chunk) => {
        reading = false;
        if (chunk.length === 0) {
          appReq.complete = true;
          appReq.push(null);
        } else if (appReq.push(chunk)) pump();
      },
      (e: unknown) => {
        reading = false;
        // The body is over for the app (Express's finalhandler waits for a complete request).
        appReq.complete = true;
        onBodyError(e);
        appReq.destroy(e as Error);
      },
    );
  };
  own._read = pump;
  return appReq;
}
