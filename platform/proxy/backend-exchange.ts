import * as http from "node:http";
import type * as Https from "node:https";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { HTTP_BAD_GATEWAY, HTTP_GATEWAY_TIME_OUT, HTTP_REQUEST_ENTITY_TOO_LARGE, HTTP_REQUEST_TIME_OUT } from "../constants";
import { lazyModule } from "../lazy-module";
import type { BodyDeadline } from "../request";

const https = lazyModule<typeof Https>("node:https");

/**
 * Kept-alive connections to backends, shared by every proxied request. An idle connection is
 * dropped after 4 s (sooner when the backend's `Keep-Alive: timeout=` says so), before the
 * usual 5 s backend keep-alive expires, so a request rarely meets a connection the backend is
 * closing; one that does is retried (see `exchange`).
 */
const AGENT_OPTIONS = { keepAlive: true, timeout: 4000, scheduling: "lifo" } as const;
const httpAgent = new http.Agent(AGENT_OPTIONS);
/** Made with the first https backend, which loads node:https. */
let httpsAgent: http.Agent | undefined;

function agentFor(protocol: string): http.Agent {
  return protocol === "https:" ? (httpsAgent ??= new (https().Agent)(AGENT_OPTIONS)) : httpAgent;
}

/**
 * Methods Node's client sends without framing headers when no body is written; for any other
 * method it adds `Transfer-Encoding: chunked` to a list of headers (see `headerRecord`).
 */
const SENT_UNFRAMED = new Set(["GET", "HEAD", "DELETE", "OPTIONS", "TRACE", "CONNECT"]);

export interface ExchangeInput {
  readonly method: string;
  readonly target: URL;
  /** Flat name/value list, with the body's Content-Length or Transfer-Encoding when it has one. */
  readonly headers: string[];
  /**
   * False when the client's request had neither Content-Length nor Transfer-Encoding: then
   * the backend gets neither, where Node would add `Transfer-Encoding: chunked` to a MKCOL,
   * PROPFIND, POST, ... without a body.
   */
  readonly framed: boolean;
  readonly timeoutMs: number;
  /** The client's request body, piped to the backend with backpressure; null when there is none. */
  readonly body: IncomingMessage | null;
  /** `LimitRequestBody` for bodies without a Content-Length (0: none). */
  readonly bodyLimit: number;
  /** The client body's time limit (`RequestReadTimeout`, `Timeout`), when there is a body. */
  readonly bodyDeadline: BodyDeadline | null;
  /** An upgrade gets a connection of its own, which becomes the tunnel. */
  readonly upgrade: boolean;
}

export type Exchange =
  | { readonly kind: "response"; readonly request: http.ClientRequest; readonly response: IncomingMessage }
  | { readonly kind: "upgrade"; readonly response: IncomingMessage; readonly socket: Duplex; readonly head: Buffer }
  | { readonly kind: "failed"; readonly status: number; readonly reason: string };

/** Sends one request to the backend and waits for its response head. Never rejects. */
export async function exchange(input: ExchangeInput): Promise<Exchange> {
  const first = await attempt(input);
  // A kept-alive connection the backend closed just as it was reused: safe to repeat when no
  // body was sent (RFC 9110 9.2.2), which is what browsers do too.
  if (first.kind === "failed" && first.retry && input.body === null) return attempt(input);
  return first;
}

function attempt(input: ExchangeInput): Promise<Exchange & { retry?: boolean }> {
  const { target } = input;
  const transport = target.protocol === "https:" ? https() : http;
  // The list is the cheaper form; the record only where Node would add framing of its own.
  const asList = input.framed || SENT_UNFRAMED.has(input.method);
  return new Promise((resolve) => {
    let settled = false;
    let failure: { status: number; reason: string } | null = null;
    const request = transport.request({
      method: input.method,
      hostname: target.hostname.replace(/^\[|\]$/g, ""),
      port: target.port || (target.protocol === "https:" ? 443 : 80),
      path: target.pathname + target.search,
      headers: asList ? input.headers : headerRecord(input.headers),
      setHost: false,
      agent: input.upgrade ? false : agentFor(target.protocol),
    });
    if (!asList) {
      // Public API to say "no framing at all"; Node then sends the request with an empty body.
      request.removeHeader("content-length");
      request.removeHeader("transfer-encoding");
    }
    const fail = (status: number, reason: string) => {
      failure ??= { status, reason };
      request.destroy();
    };
    request.setTimeout(input.timeoutMs, () => fail(HTTP_GATEWAY_TIME_OUT, `no answer from ${target.origin} within ProxyTimeout (${input.timeoutMs / 1000} s)`));
    request.on("error", (err: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      const f = failure ?? { status: HTTP_BAD_GATEWAY, reason: `error reading from remote server ${target.origin}: ${err.code ?? err.message}` };
      resolve({ kind: "failed", ...f, retry: failure === null && request.reusedSocket && err.code === "ECONNRESET" });
    });
    request.once("response", (response) => {
      settled = true;
      resolve({ kind: "response", request, response });
    });
    request.once("upgrade", (response, socket, head) => {
      settled = true;
      resolve({ kind: "upgrade", response, socket, head });
    });
    const body = input.body;
    if (body === null) {
      request.end();
      return;
    }
    let received = 0;
    const limit = input.bodyLimit;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (limit > 0 && received > limit) {
        body.unpipe(request);
        fail(HTTP_REQUEST_ENTITY_TOO_LARGE, `request body larger than LimitRequestBody (${limit} bytes)`);
      }
    };
    const onAborted = () => fail(HTTP_BAD_GATEWAY, "the client aborted the request body");
    body.on("data", onData);
    body.once("aborted", onAborted);
    body.once("error", onAborted);
    request.once("close", () => {
      input.bodyDeadline?.stopWaiting();
      body.off("data", onData);
      body.off("aborted", onAborted);
      body.off("error", onAborted);
    });
    body.pipe(request);
    input.bodyDeadline?.wait((e) => {
      body.unpipe(request);
      fail(HTTP_REQUEST_TIME_OUT, e.message);
    });
  });
}

/**
 * The headers as a record: Node writes a list of headers at once, with the framing it adds,
 * while named ones wait until `removeHeader` has had its say. Without a prototype, so a client's
 * header named `__proto__` is a header like any other.
 */
function headerRecord(flat: readonly string[]): Record<string, string | string[]> {
  const record: Record<string, string | string[]> = Object.create(null);
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const name = flat[i];
    const seen = record[name];
    // Node wants `Host` as a single string; only repeated headers become lists.
    if (seen === undefined) record[name] = flat[i + 1];
    else if (typeof seen === "string") record[name] = [seen, flat[i + 1]];
    else seen.push(flat[i + 1]);
  }
  return record;
}
