import { abortedBody, malformedForm } from "./form-errors";
import { FormLimitError } from "./limits";
import type { MaybePromise } from "../maybe-promise";

export interface ReadBodyOptions {
  maxBodySize: number;
  /** When known, a body that ends short of it was cut off. */
  contentLength: number | undefined;
  /** Aborting stops reading and rejects with the abort reason. */
  signal?: AbortSignal;
}

/**
 * Feeds `body` to `sink` chunk by chunk. When `sink` returns a promise, reading pauses until it
 * settles, so a slow consumer is never buffered for. Resolves once the body has ended and every
 * chunk was accepted; rejects on a limit, a stream error, a premature close, or `signal`.
 *
 * The body is never destroyed: it belongs to the request, and the server may still want to
 * answer (413, 400) on the same connection. On failure it is left paused. The error listener
 * stays attached, so a late error on an abandoned body cannot crash the process.
 */
export function readBody(
  body: NodeJS.ReadableStream,
  sink: (chunk: Buffer) => MaybePromise<void>,
  options: ReadBodyOptions,
): Promise<void> {
  const { maxBodySize, contentLength, signal } = options;
  return new Promise<void>((resolve, reject) => {
    let received = 0;
    let ended = false;
    let busy = false;
    let settled = false;

    const settle = (err?: unknown): void => {
      if (settled) return;
      settled = true;
      body.removeListener("data", onData);
      body.removeListener("end", onEnd);
      body.removeListener("close", onClose);
      signal?.removeEventListener("abort", onAbort);
      body.pause();
      if (err === undefined) resolve();
      else reject(err);
    };
    const complete = (): void => {
      if (contentLength !== undefined && received < contentLength) {
        settle(abortedBody(`the request body ended after ${received} of ${contentLength} bytes`));
      } else settle();
    };
    const onData = (chunk: Buffer | Uint8Array | string): void => {
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      received += bytes.length;
      if (received > maxBodySize) return settle(new FormLimitError("maxBodySize", maxBodySize, "the request body"));
      if (contentLength !== undefined && received > contentLength) {
        return settle(malformedForm(`the request body is longer than its Content-Length (${contentLength})`));
      }
      let pending: MaybePromise<void>;
      try {
        pending = sink(bytes);
      } catch (err) {
        return settle(err);
      }
      if (!pending) return;
      busy = true;
      body.pause();
      pending.then(() => {
        busy = false;
        if (settled) return;
        if (ended) complete();
        else body.resume();
      }, settle);
    };
    const onEnd = (): void => {
      ended = true;
      if (!busy) complete();
    };
    const onError = (err: Error): void => settle(abortedBody(`the request body failed: ${err.message}`));
    const onClose = (): void => {
      if (!ended) settle(abortedBody("the request body was cut off"));
    };
    const onAbort = (): void => settle(signal?.reason);

    if (signal?.aborted) return settle(signal.reason);
    if (contentLength !== undefined && contentLength > maxBodySize) {
      return settle(new FormLimitError("maxBodySize", maxBodySize, `a request body of ${contentLength} bytes`));
    }
    const state = body as Partial<{ readableEnded: boolean; destroyed: boolean }>;
    if (state.readableEnded) return complete();
    if (state.destroyed) return settle(abortedBody("the request body was already closed"));
    body.on("data", onData);
    body.on("end", onEnd);
    body.on("error", onError);
    body.on("close", onClose);
    signal?.addEventListener("abort", onAbort);
    body.resume();
  });
}
