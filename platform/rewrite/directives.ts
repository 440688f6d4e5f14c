import { ConfigRegex, appendList, directive, flagArg } from "../config";

export interface RewriteCond {
  readonly kind: "cond";
  readonly testString: string;
  /** A regex, a file test (-f, -d, -s) or a comparison (=, <, >). */
  readonly test: { readonly type: "regex"; readonly regex: ConfigRegex } | { readonly type: "file"; readonly op: "-f" | "-d" | "-s" } | { readonly type: "compare"; readonly op: "=" | "<" | ">"; readonly value: string };
  readonly negate: boolean;
  readonly or: boolean;
}

export interface RewriteFlags {
  readonly last: boolean;
  /** Redirect status (R, R=3xx), or null. */
  readonly redirect: number | null;
  readonly forbidden: boolean;
  readonly gone: boolean;
  readonly passThrough: boolean;
  readonly qsAppend: boolean;
  readonly qsDiscard: boolean;
  readonly noEscape: boolean;
  readonly env: readonly (readonly [string, string | null])[];
  readonly skip: number;
  readonly chain: boolean;
}

export interface RewriteRule {
  readonly kind: "rule";
  readonly pattern: ConfigRegex;
  readonly negate: boolean;
  /** `-`: no substitution. */
  readonly substitution: string;
  readonly flags: RewriteFlags;
}

/** Written in a section (per-directory semantics) or at server level; `directory` for `<Directory>`. */
export interface Placed<T> {
  readonly item: T;
  readonly inSection: boolean;
  readonly directory: string | null;
}

export type RewriteItem = Placed<RewriteCond | RewriteRule>;

function flagList(text: string | undefined): string[] {
  if (text === undefined) return [];
  const m = /^\[(.*)\]$/.exec(text);
  if (!m) throw new Error(`flags must be written in brackets, like [L,R=301], not '${text}'`);
  return m[1].split(",").map((f) => f.trim()).filter(Boolean);
}

function parseCond([testString, pattern, flags]: string[]): RewriteCond {
  let nc = false;
  let or = false;
  for (const f of flagList(flags)) {
    const k = f.toUpperCase();
    if (k === "NC" || k === "NOCASE") nc = true;
    else if (k === "OR" || k === "ORNEXT") or = true;
    else throw new Error(`unknown RewriteCond flag '${f}' (tsmod supports NC, OR)`);
  }
  const negate = pattern.startsWith("!");
  const p = negate ? pattern.slice(1) : pattern;
  let test: RewriteCond["test"];
  if (p === "-f" || p === "-d" || p === "-s") test = { type: "file", op: p };
  else if (/^-[A-Za-z]$/.test(p)) throw new Error(`the file test '${p}' is not supported (tsmod has -f, -d, -s)`);
  else if (/^[=<>]/.test(p) && !/^[<>]=/.test(p)) test = { type: "compare", op: p[0] as "=" | "<" | ">", value: p.slice(1).replace(/^""$/, "") };
  else test = { type: "regex", regex: ConfigRegex.compile("RewriteCond", p, { ignoreCase: nc }) };
  return { kind: "cond", testString, test, negate, or };
}

function parseRule([pattern, substitution, flagText]: string[]): RewriteRule {
  const f = { last: false, redirect: null as number | null, forbidden: false, gone: false, passThrough: false, qsAppend: false, qsDiscard: false, noEscape: false, env: [] as [string, string | null][], skip: 0, chain: false };
  let nc = false;
  for (const flag of flagList(flagText)) {
    const eq = flag.indexOf("=");
    const key = (eq < 0 ? flag : flag.slice(0, eq)).toUpperCase();
    const value = eq < 0 ? null : flag.slice(eq + 1);
    switch (key) {
      case "L":
      case "LAST":
      case "END":
        f.last = true;
        break;
      case "R":
      case "REDIRECT": {
        const code = value === null ? 302 : /^\d+$/.test(value) ? Number(value) : value.toLowerCase() === "permanent" ? 301 : value.toLowerCase() === "temp" ? 302 : value.toLowerCase() === "seeother" ? 303 : NaN;
        if (!(code >= 300 && code <= 399)) throw new Error(`R=${value}: a redirect takes a 3xx status (or permanent, temp, seeother)`);
        f.redirect = code;
        break;
      }
      case "F":
      case "FORBIDDEN":
        f.forbidden = true;
        break;
      case "G":
      case "GONE":
        f.gone = true;
        break;
      case "PT":
      case "PASSTHROUGH":
        f.passThrough = true;
        break;
      case "QSA":
      case "QSAPPEND":
        f.qsAppend = true;
        break;
      case "QSD":
      case "QSDISCARD":
        f.qsDiscard = true;
        break;
      case "NE":
      case "NOESCAPE":
        f.noEscape = true;
        break;
      case "NC":
      case "NOCASE":
        nc = true;
        break;
      case "C":
      case "CHAIN":
        f.chain = true;
        break;
      case "S":
      case "SKIP":
        if (!value || !/^\d+$/.test(value)) throw new Error(`S=${value ?? ""}: skip takes a number of rules`);
        f.skip = Number(value);
        break;
      case "E":
      case "ENV": {
        if (!value) throw new Error("E= takes VAR:VALUE or !VAR");
        const colon = value.indexOf(":");
        f.env.push(value.startsWith("!") ? [value.slice(1), null] : colon < 0 ? [value, ""] : [value.slice(0, colon), value.slice(colon + 1)]);
        break;
      }
      default:
        throw new Error(`unknown RewriteRule flag '${flag}' (tsmod supports L, END, R[=code], F, G, PT, QSA, QSD, NE, NC, C, S=n, E=VAR:VALUE)`);
    }
  }
  const negate = pattern.startsWith("!");
  return { kind: "rule", pattern: ConfigRegex.compile("RewriteRule", negate ? pattern.slice(1) : pattern, { ignoreCase: nc }), negate, substitution, flags: f };
}

function placed<T>(item: T, where: { section: { kind: string; pattern: string; regex: unknown } | null }): Placed<T> {
  const s = where.section;
  return { item, inSection: s !== null, directory: s && s.kind === "directory" && !s.regex ? s.pattern : null };
}

export const RewriteEngine = directive<boolean>({ name: "RewriteEngine", context: "both", args: 1, parse: ([v]) => flagArg("RewriteEngine", v) });

/** `RewriteBase URL-PATH`: the URL a `<Directory>`'s relative substitutions are taken under. */
export const RewriteBase = directive<string>({
  name: "RewriteBase",
  context: "dir",
  args: 1,
  parse([base]) {
    if (!base.startsWith("/")) throw new Error(`'${base}' is not a URL path (it starts with /)`);
    return base.endsWith("/") ? base : base + "/";
  },
});

/**
 * The rules and conditions of a place, in order (a condition belongs to the rule after it);
 * an inner place that has rules replaces the outer place's (Apache, without RewriteOptions Inherit).
 */
export const RewriteRuleDirective = directive<RewriteItem[]>({
  name: "RewriteRule",
  context: "both",
  args: [2, 3],
  parse: (args, where) => [placed(parseRule(args), where)],
  combine: appendList,
});

export const RewriteCondDirective = directive<RewriteItem[]>({
  name: "RewriteCond",
  context: "both",
  args: [2, 3],
  parse: (args, where) => [placed(parseCond(args), where)],
  shares: RewriteRuleDirective,
});
