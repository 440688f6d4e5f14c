/**
 * An example tsmod module, the one docs/modules.md walks through: every request gets an id
 * (the client's, when it sent a well-formed one, else a new UUID), which handlers read from
 * `req.notes`, every response carries in a header, and the `request-id` handler shows.
 *
 *     LoadModule request_id tsmod-request-id
 *     RequestIdHeader X-Trace-Id            # default X-Request-Id
 *     <Location /id>
 *       SetHandler request-id
 *     </Location>
 */
import { randomUUID } from "node:crypto";
import { OK, defineModule, directive, type Request } from "tsmod";

/** The note handlers (and `%{request-id}n` in a LogFormat) read the id from. */
export const NOTE = "request-id";

/** An id taken from a client must not smuggle anything into logs or other services' headers. */
const CLIENT_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** `RequestIdHeader NAME`: the request and response header that carries the id. */
const RequestIdHeader = directive<string>({
  name: "RequestIdHeader",
  context: "both",
  args: 1,
  parse([name]) {
    if (!/^[A-Za-z0-9-]+$/.test(name)) throw new Error(`'${name}' is not a header name`);
    return name;
  },
});

interface RequestIdConfig {
  readonly header: string;
}

function idOf(req: Request): string {
  return req.notes.get(NOTE) ?? "";
}

export default defineModule<RequestIdConfig>({
  name: "request_id",
  directives: [RequestIdHeader],
  dirConfig: (values) => ({ header: values.get(RequestIdHeader) ?? "X-Request-Id" }),
  hooks: {
    // Once the sections are known, so a <Location>'s RequestIdHeader applies.
    headerParser(req, config) {
      const sent = req.headersIn.get(config.header);
      req.notes.set(NOTE, sent !== undefined && CLIENT_ID.test(sent) ? sent : randomUUID());
      // errHeadersOut: error pages and redirects carry the id too.
      req.errHeadersOut.set(config.header, idOf(req));
      return OK;
    },
  },
  handlers: {
    "request-id"(req) {
      req.contentType = "text/plain; charset=utf-8";
      void req.write(`${idOf(req)}\n`);
      return OK;
    },
  },
});
