import { DECLINED } from "../constants";
import { defineModule } from "../module";
import type { Request } from "../request";
import { BrowserMatch, BrowserMatchNoCase, PassEnv, SetEnv, SetEnvIf, SetEnvIfNoCase, UnsetEnv, type EnvTable, type SetEnvIfRule } from "./directives";

interface EnvConfig {
  readonly table: EnvTable;
  /** Server-level rules (post-read) and those written in sections (header parser), in order. */
  readonly serverRules: readonly SetEnvIfRule[];
  readonly sectionRules: readonly SetEnvIfRule[];
}

function attributeValue(req: Request, rule: SetEnvIfRule): string {
  const a = rule.attribute;
  switch (a.kind) {
    case "special":
      switch (a.name) {
        case "Remote_Host":
        case "Remote_Addr":
          return req.connection.remoteIp;
        case "Server_Addr":
          return req.connection.localIp;
        case "Request_Method":
          return req.method;
        case "Request_Protocol":
          return req.protocol;
        case "Request_URI":
          return req.uri;
      }
      break;
    case "header":
      return req.headersIn.get(a.name) ?? req.subprocessEnv.get(a.name) ?? "";
    case "headerRegex":
      // Apache: the first header whose name matches.
      for (const [name, value] of req.headersIn) if (a.regex.test(name)) return value;
      return "";
  }
}

/** Apache runs every matching rule, in order: a later rule may test what an earlier one set. */
function runRules(req: Request, rules: readonly SetEnvIfRule[]): number {
  const env = req.subprocessEnv;
  for (const rule of rules) {
    const m = rule.regex.exec(attributeValue(req, rule));
    if (!m) continue;
    for (const action of rule.actions) {
      if (action.value === null) env.delete(action.name);
      else env.set(action.name, action.value.replace(/\$([0-9])/g, (_, n: string) => m[Number(n)] ?? ""));
    }
  }
  return DECLINED;
}

/**
 * mod_env and mod_setenvif: variables into `req.subprocessEnv` (what `%{VAR}e` in logs and
 * `Header`, `env=VAR` conditions and handlers read). As in Apache, server-level `SetEnvIf`
 * runs when the request is read, a section's at header parsing, and `SetEnv`/`PassEnv`/
 * `UnsetEnv` at fixups (so SetEnvIf does not see them).
 */
export const envModule = defineModule<EnvConfig>({
  name: "env",
  directives: [SetEnv, PassEnv, UnsetEnv, SetEnvIf, SetEnvIfNoCase, BrowserMatch, BrowserMatchNoCase],
  dirConfig(values) {
    const rules = values.get(SetEnvIf) ?? [];
    return { table: values.get(SetEnv) ?? new Map(), serverRules: rules.filter((r) => !r.inSection), sectionRules: rules.filter((r) => r.inSection) };
  },
  hooks: {
    postRead: { when: (c) => c.serverRules.length > 0, run: (req, c) => runRules(req, c.serverRules) },
    headerParser: { when: (c) => c.sectionRules.length > 0, run: (req, c) => runRules(req, c.sectionRules) },
    fixup: {
      when: (c) => c.table.size > 0,
      run(req, c) {
        for (const [name, value] of c.table) {
          if (value === null) req.subprocessEnv.delete(name);
          else req.subprocessEnv.set(name, value);
        }
        return DECLINED;
      },
    },
  },
});
