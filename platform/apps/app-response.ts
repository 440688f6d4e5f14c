import { STATUS_CODES, ServerResponse, type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import { isBufferedWrite, type Request } from "../request";

/** Set by the framing tsmod does itself (Content-Length or chunked, keep-alive). */
const FRAMING = new Set(["connection", "keep-alive", "transfer-encoding"]);

type Callback = (error?: Error | null) => void;
type HeaderList = OutgoingHttpHeaders | readonly unknown[];

/** The response side of a mounted app's request. */
export interface AppResponse {
  readonly res: ServerResponse;
  /** Resolves when the app has ended the response (or the client went away). */
  readonly done: Promise<void>;
  /** Emits the app's `finish` and `close` once tsmod has sent the response. */
  finished(): void;
}

/**
 * A real `ServerResponse` (frameworks replace its prototype with their own, which still ends
 * at Node's) whose head and body go into the tsmod Request instead of a socket: the status and
 * headers become `req.status`/`req.headersOut` at the first write, so `Header` rules, output
 * filters, HEAD and the access log see the app's real response. The writing methods are the
 * object's own properties, which a prototype swap leaves in place.
 */
export function appResponse(req: Request, appReq: IncomingMessage): AppResponse {
  const res = new ServerResponse(appReq);
  let committed = false;
  let ended = false;
  let pending = 0;
  let settle!: () => void;
  const done = new Promise<void>((resolve) => (settle = resolve));
  const whenWritten: Array<() => void> = [];
  const gone = () => {
    if (ended) return;
    ended = true;
    settle();
    res.emit("close");
  };
  // Before the app ends, the client's response can only close because the client went away.
  req.rawResponse.once("close", gone);

  const commit = () => {
    if (committed) return;
    committed = true;
    req.status = res.statusCode;
    const reason = res.statusMessage;
    if (reason && reason !== STATUS_CODES[res.statusCode]) req.statusLine = reason;
    const out = req.headersOut;
    for (const name of (res as ServerResponse & { getRawHeaderNames(): string[] }).getRawHeaderNames()) {
      const key = name.toLowerCase();
      if (FRAMING.has(key)) continue;
      const value = res.getHeader(key);
      if (value === undefined) continue;
      if (key === "content-type") req.contentType = String(value);
      else if (Array.isArray(value)) for (const v of value) out.add(name, v);
      else out.set(name, String(value));
    }
  };

  const written = () => {
    if (--pending > 0) return;
    res.emit("drain");
    for (const fn of whenWritten.splice(0)) fn();
  };

  const write = (chunk: unknown, encoding?: BufferEncoding | Callback, cb?: Callback): boolean => {
    if (typeof encoding === "function") {
      cb = encoding;
      encoding = undefined;
    }
    commit();
    if (ended) {
      const e = new Error("write after end");
      if (cb) process.nextTick(cb, e);
      return false;
    }
    const data = typeof chunk === "string" ? Buffer.from(chunk, encoding ?? "utf8") : (chunk as Uint8Array);
    if (data.length === 0) {
      if (cb) process.nextTick(cb);
      return true;
    }
    const p = req.write(data);
    if (isBufferedWrite(p)) {
      if (cb) process.nextTick(cb);
      return true;
    }
    pending++;
    p.then(
      () => {
        written();
        cb?.();
      },
      (e: Error) => {
        written();
        cb?.(e);
        gone();
      },
    );
    return false;
  };

  const own = res as unknown as Record<string, unknown>;
  Object.defineProperties(own, {
    headersSent: { get: () => committed, configurable: true },
    writableEnded: { get: () => ended, configurable: true },
    finished: { get: () => ended, configurable: true },
  });
  own.writeHead = (status: number, reason?: string | HeaderList, headers?: HeaderList) => {
    if (committed) return res;
    res.statusCode = status;
    if (typeof reason === "string") res.statusMessage = reason;
    else headers = reason;
    if (headers) setHeaders(res, headers);
    commit();
    return res;
  };
  own.write = write;
  own.end = (chunk?: unknown, encoding?: BufferEncoding | Callback, cb?: Callback) => {
    if (typeof chunk === "function") {
      cb = chunk as Callback;
      chunk = undefined;
    } else if (typeof encoding === "function") {
      cb = encoding;
      encoding = undefined;
    }
    if (ended) return res;
    if (chunk !== undefined && chunk !== null) write(chunk, encoding);
    commit();
    ended = true;
    if (cb) res.once("finish", cb);
    if (pending === 0) settle();
    else whenWritten.push(settle);
    return res;
  };
  own.flushHeaders = () => {
    commit();
    req.flush().catch(gone);
  };
  own.destroy = (e?: Error) => {
    req.rawResponse.destroy(e);
    gone();
    return res;
  };
  return {
    res,
    done,
    finished() {
      res.emit("prefinish");
      res.emit("finish");
      res.emit("close");
    },
  };
}

/** `writeHead`'s headers: an object, a flat name/value list or a list of pairs. */
function setHeaders(res: ServerResponse, headers: HeaderList): void {
  if (!Array.isArray(headers)) {
    for (const [name, value] of Object.entries(headers)) if (value !== undefined && value !== null) res.setHeader(name, value as string | number | readonly string[]);
    return;
  }
  const byName = new Map<string, string[]>();
  const add = (name: string, value: string) => {
    const list = byName.get(name.toLowerCase());
    if (list) list.push(value);
    else byName.set(name.toLowerCase(), [value]);
  };
  if (headers.length && Array.isArray(headers[0])) for (const [name, value] of headers as readonly (readonly string[])[]) add(name, value);
  else for (let i = 0; i + 1 < headers.length; i += 2) add(String(headers[i]), String(headers[i + 1]));
  for (const [name, values] of byName) res.setHeader(name, values.length === 1 ? values[0] : values);
}
