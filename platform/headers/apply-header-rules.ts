import { ERROR_RESPONSE_NOTE } from "../constants";
import type { Request } from "../request";
import type { Table } from "../table";
import type { HeaderRule } from "./header-rule";

/**
 * Runs the `Header` rules in effect just before the status line goes out: plain
 * (`onsuccess`) rules edit `headersOut` and are skipped on error responses; `always` rules
 * edit `errHeadersOut`, which goes out with every response.
 */
export function applyHeaderRules(req: Request, rules: readonly HeaderRule[]): void {
  const isError = req.notes.has(ERROR_RESPONSE_NOTE);
  for (const rule of rules) {
    if (isError && !rule.always) continue;
    if (rule.env && req.subprocessEnv.has(rule.env.name) === rule.env.negate) continue;
    applyRule(req, rule.always ? req.errHeadersOut : req.headersOut, rule);
  }
}

/**
 * Runs `RequestHeader` rules on `req.headersIn` (what handlers and a `ProxyPass` backend see):
 * `early` ones when the request is read, the others in the fixup phase, after authentication.
 */
export function applyRequestHeaderRules(req: Request, rules: readonly HeaderRule[]): void {
  for (const rule of rules) {
    if (rule.env && req.subprocessEnv.has(rule.env.name) === rule.env.negate) continue;
    applyRule(req, req.headersIn, rule);
  }
}

function applyRule(req: Request, table: Table, rule: HeaderRule): void {
  const name = rule.name;
  switch (rule.action) {
    case "set":
      table.set(name, expand(req, rule.value));
      return;
    case "setifempty":
      if (!table.has(name)) table.set(name, expand(req, rule.value));
      return;
    case "add":
      table.add(name, expand(req, rule.value));
      return;
    case "append": {
      const old = table.getAll(name);
      table.set(name, [...old, expand(req, rule.value)].join(", "));
      return;
    }
    case "merge": {
      const old = table.getAll(name);
      const value = expand(req, rule.value);
      const tokens = old.flatMap((v) => v.split(",").map((t) => t.trim()));
      if (!tokens.includes(value)) table.set(name, [...old, value].join(", "));
      return;
    }
    case "unset":
      table.delete(name);
      return;
    case "echo":
      for (const [k, v] of req.headersIn) if (rule.pattern!.test(k)) table.add(k, v);
      return;
    case "edit":
    case "edit*": {
      const values = table.getAll(name);
      if (values.length === 0) return;
      table.delete(name);
      for (const v of values) table.add(name, rule.pattern!.replace(v, rule.value, rule.action === "edit*"));
      return;
    }
  }
}

/** `%{NAME}s`: the request's own variables (mod_ssl's form, which Apache recipes use for REMOTE_USER). */
function requestVariable(req: Request, name: string): string | null {
  if (name === "REMOTE_USER") return req.user;
  if (name === "AUTH_TYPE") return req.apAuthType;
  return req.connection.remoteIp;
}

/** mod_headers' value specifiers: `%t` and `%D` in its `t=`/`D=` microsecond form; unset variables are "(null)". */
function expand(req: Request, template: string): string {
  if (!template.includes("%")) return template;
  return template.replace(/%(%|t|D|\{([^}]*)\}([es]))/g, (_, spec: string, variable: string | undefined, kind: string | undefined) => {
    if (spec === "%") return "%";
    if (spec === "t") return `t=${Math.round(Date.now() * 1000)}`;
    if (spec === "D") return `D=${Math.round((Date.now() / 1000 - req.requestTime) * 1e6)}`;
    return (kind === "s" ? requestVariable(req, variable!) : req.subprocessEnv.get(variable!)) ?? "(null)";
  });
}
