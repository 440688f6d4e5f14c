import { OK } from "../constants";
import { appendList, directive } from "../config";
import type { Request } from "../request";
import { HOOK_FIRST, HOOK_LAST, defineModule } from "../module";
import { applyHeaderRules, applyRequestHeaderRules } from "./apply-header-rules";
import { parseHeaderRule, type HeaderRule } from "./header-rule";

/** Outer places' rules run before inner ones (mod_headers' order). */
export const Header = directive<HeaderRule[]>({
  name: "Header",
  context: "both",
  args: [2, 6],
  parse: (args) => [parseHeaderRule(args)],
  combine: appendList,
  merge: appendList,
});

/** `early` rules run before any section is known, so (as in Apache) only at server level. */
export const RequestHeader = directive<HeaderRule[]>({
  name: "RequestHeader",
  context: "both",
  args: [2, 5],
  parse(args, where) {
    const rule = parseHeaderRule(args, "RequestHeader");
    if (rule.early && where.section) throw new Error("RequestHeader: 'early' is allowed only at server or <VirtualHost> level");
    return [rule];
  },
  combine: appendList,
  merge: appendList,
});

function editRequest(req: Request, rules: readonly HeaderRule[]): number {
  applyRequestHeaderRules(req, rules);
  return OK;
}

export interface HeadersConfig {
  readonly response: readonly HeaderRule[];
  readonly requestEarly: readonly HeaderRule[];
  readonly requestLate: readonly HeaderRule[];
}

/**
 * mod_headers: `Header` rules edit the response head just before it goes out; `RequestHeader`
 * rules edit the request's headers, `early` ones when it is read, the others in the fixup phase
 * (after authentication: `%{REMOTE_USER}s` is known), before the content handler or a backend
 * sees them.
 */
export const headersModule = defineModule<HeadersConfig>({
  name: "headers",
  directives: [Header, RequestHeader],
  dirConfig(values) {
    const request = values.get(RequestHeader) ?? [];
    return { response: values.get(Header) ?? [], requestEarly: request.filter((r) => r.early), requestLate: request.filter((r) => !r.early) };
  },
  hooks: {
    postRead: { order: HOOK_FIRST, when: (c) => c.requestEarly.length > 0, run: (req, c) => editRequest(req, c.requestEarly) },
    fixup: { order: HOOK_LAST, when: (c) => c.requestLate.length > 0, run: (req, c) => editRequest(req, c.requestLate) },
  },
  beforeHeaders(req, config) {
    if (config.response.length > 0) applyHeaderRules(req, config.response);
  },
});
