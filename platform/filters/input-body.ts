import type { IncomingMessage } from "node:http";
import { Readable } from "node:stream";
import { ErrorCode, TsmodError } from "../errors";
import type { Request } from "../request";
import { FilterChain, type FilterSpec } from "./chain";
import { Pipe } from "./pipe";
import type { FiltersConfig } from "./filters-config";
import { selectFilters } from "./select";

/** One body per client request: internal redirects read the same one. */
const bodies = new WeakMap<IncomingMessage, Readable>();

/**
 * The request body as handlers see it (`req.read()`, forms): the client's bytes run through
 * the input filters in effect for the request that reads first. Without input filters it is
 * the client's stream itself.
 */
export function requestBody(req: Request, conf: FiltersConfig): Readable {
  const raw = req._state.stream;
  let body = bodies.get(raw);
  if (!body) {
    const specs = selectFilters(req, conf, "input");
    body = specs.length ? filteredBody(req, raw, specs) : raw;
    bodies.set(raw, body);
  }
  return body;
}

/** True once the body stream exists: input filters added later could not apply. */
export function requestBodyStarted(req: Request): boolean {
  return bodies.has(req._state.stream);
}

function filteredBody(req: Request, raw: IncomingMessage, specs: FilterSpec[]): Readable {
  const out = new Pipe();
  const chain = new FilterChain(specs, req, true, { write: (buf) => out.push(buf), end: () => out.end() }, (err) => out.fail(err));
  void pump(raw, chain);
  const body = Readable.from(drain(out), { objectMode: false });
  // The stream reads ahead: a failure may come while nobody listens. The reader finds it in
  // `body.errored` (the chain has logged it); unheard, it would crash the process.
  body.on("error", () => undefined);
  return body;
}

async function pump(raw: IncomingMessage, chain: FilterChain): Promise<void> {
  try {
    for await (const chunk of raw) await chain.write(chunk as Buffer);
  } catch (e) {
    // A failed chain rejects the write (already reported); anything else is the client's stream.
    chain.abort(new TsmodError(ErrorCode.BODY_ABORTED, `the client aborted the request body (${(e as Error).message})`, 400));
    return;
  }
  await chain.end().catch(() => undefined);
}

async function* drain(pipe: Pipe): AsyncGenerator<Buffer> {
  for (let chunk = await pipe.read(); chunk !== null; chunk = await pipe.read()) yield chunk;
}
