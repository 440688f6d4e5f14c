import * as fs from "node:fs";
import type { RewriteCond, RewriteItem, RewriteRule } from "./directives";

/** A rule with the conditions written before it. */
export interface CompiledRule {
  readonly conds: readonly RewriteCond[];
  readonly rule: RewriteRule;
}

/** The rules of a place, each with its conditions; a condition no rule follows belongs to none. */
export function compileRules(items: readonly RewriteItem[]): CompiledRule[] {
  const out: CompiledRule[] = [];
  let conds: RewriteCond[] = [];
  for (const { item } of items) {
    if (item.kind === "cond") conds.push(item);
    else {
      out.push({ conds, rule: item });
      conds = [];
    }
  }
  return out;
}

/** What the server variables (`%{NAME}`) of a request read. */
export interface RewriteVariables {
  get(name: string): string;
  fileExists(path: string, test: "-f" | "-d" | "-s"): boolean;
}

export type RewriteOutcome =
  | { readonly kind: "unchanged" }
  | { readonly kind: "status"; readonly status: number }
  | { readonly kind: "redirect"; readonly status: number; readonly location: string }
  /** `query` null: the request's query string stays as it is. */
  | { readonly kind: "rewrite"; readonly path: string; readonly query: string | null; readonly passThrough: boolean };

/** `$N` from the rule's match, `%N` from the last matched condition, `%{VAR}` a variable. */
function expand(text: string, rule: RegExpExecArray | null, cond: RegExpExecArray | null, vars: RewriteVariables): string {
  return text.replace(/\$(\d)|%(\d)|%\{([^}]+)\}/g, (_, r: string | undefined, c: string | undefined, v: string | undefined) => {
    if (r !== undefined) return rule?.[Number(r)] ?? "";
    if (c !== undefined) return cond?.[Number(c)] ?? "";
    return vars.get(v!);
  });
}

function condHolds(c: RewriteCond, value: string, vars: RewriteVariables): { holds: boolean; match: RegExpExecArray | null } {
  let holds: boolean;
  let match: RegExpExecArray | null = null;
  switch (c.test.type) {
    case "regex":
      match = c.test.regex.exec(value);
      holds = match !== null;
      break;
    case "file":
      holds = vars.fileExists(value, c.test.op);
      break;
    case "compare":
      holds = c.test.op === "=" ? value === c.test.value : c.test.op === "<" ? value < c.test.value : value > c.test.value;
      break;
  }
  return c.negate ? { holds: !holds, match: null } : { holds, match };
}

/** Conditions are ANDed, except that `[OR]` joins one with the next. */
function condsHold(conds: readonly RewriteCond[], rule: RegExpExecArray | null, vars: RewriteVariables, last: { match: RegExpExecArray | null }): boolean {
  let ok = true;
  let orOpen = false;
  for (const c of conds) {
    if (orOpen && ok) {
      orOpen = c.or;
      continue;
    }
    const r = condHolds(c, expand(c.testString, rule, last.match, vars), vars);
    if (r.match) last.match = r.match;
    ok = orOpen ? r.holds : ok && r.holds;
    orOpen = c.or;
    if (!ok && !orOpen) return false;
  }
  return ok;
}

const REDIRECT = /^[a-z][a-z0-9+.-]*:\/\//i;

/** Apache escapes a redirect's path unless [NE]: `#`, `%`, spaces and the like become %XX. */
function escapePath(path: string): string {
  return path.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/]/g, (ch) => encodeURIComponent(ch));
}

/**
 * Runs the rules over `input` (the URL path, or in a `<Directory>` the path below it) as
 * mod_rewrite does: each matching rule (with its conditions) rewrites the string the next one
 * sees; [L] stops, [F]/[G] answer at once, [R] and a `scheme://` substitution redirect.
 */
export function applyRules(rules: readonly CompiledRule[], input: string, originalQuery: string | null, vars: RewriteVariables, setEnv: (name: string, value: string | null) => void): RewriteOutcome {
  let current = input;
  let query: string | null = null;
  let changed = false;
  let passThrough = false;
  for (let i = 0; i < rules.length; i++) {
    const { conds, rule } = rules[i];
    const m = rule.pattern.exec(current);
    const matched = rule.negate ? m === null : m !== null;
    const last = { match: null as RegExpExecArray | null };
    if (!matched || !condsHold(conds, rule.negate ? null : m, vars, last)) {
      // A chain ([C]) is skipped whole when one of its rules does not match.
      while (rules[i].rule.flags.chain && i + 1 < rules.length) i++;
      continue;
    }
    const f = rule.flags;
    for (const [name, value] of f.env) setEnv(name, value === null ? null : expand(value, m, last.match, vars));
    if (f.forbidden) return { kind: "status", status: 403 };
    if (f.gone) return { kind: "status", status: 410 };
    if (rule.substitution !== "-") {
      let target = expand(rule.substitution, m, last.match, vars);
      const q = target.indexOf("?");
      if (q >= 0) {
        const newQuery = target.slice(q + 1);
        target = target.slice(0, q);
        const kept: string | null = f.qsDiscard ? null : (query ?? originalQuery);
        query = f.qsAppend && kept ? (newQuery ? `${newQuery}&${kept}` : kept) : newQuery;
      } else if (f.qsDiscard) {
        query = "";
      }
      current = target;
      changed = true;
      passThrough ||= f.passThrough;
      if (f.redirect !== null || REDIRECT.test(current)) {
        const path = f.noEscape || REDIRECT.test(current) ? current : escapePath(current);
        const finalQuery = query ?? originalQuery;
        return { kind: "redirect", status: f.redirect ?? 302, location: finalQuery ? `${path}?${finalQuery}` : path };
      }
    }
    // Apache: [PT] implies [L].
    if (f.last || f.passThrough) break;
    i += f.skip;
  }
  return changed ? { kind: "rewrite", path: current, query, passThrough } : { kind: "unchanged" };
}

/** `-f`, `-d`, `-s` as mod_rewrite tests them. */
export function fileTest(path: string, test: "-f" | "-d" | "-s"): boolean {
  try {
    const st = fs.statSync(path);
    return test === "-d" ? st.isDirectory() : test === "-f" ? st.isFile() : st.isFile() && st.size > 0;
  } catch {
    return false;
  }
}
