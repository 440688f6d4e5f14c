import { appendList, directive } from "../config";
import { defineModule } from "../module";
import { applyHeaderRules } from "./apply-header-rules";
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

/** mod_headers: `Header` rules edit the response head just before it goes out. */
export const headersModule = defineModule<readonly HeaderRule[]>({
  name: "headers",
  directives: [Header],
  dirConfig: (values) => values.get(Header) ?? [],
  beforeHeaders(req, rules) {
    if (rules.length > 0) applyHeaderRules(req, rules);
  },
});
