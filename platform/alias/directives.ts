import * as path from "node:path";
import { ConfigRegex, appendList, directive, type DirectiveSpec } from "../config";

export interface AliasRule {
  readonly fromPath: string | null;
  readonly fromRegex: ConfigRegex | null;
  readonly target: string;
  /** The folder the alias maps into: for AliasMatch, the literal folder before the first `$`. */
  readonly root: string;
}

/** A virtual host's own aliases are tried before the main server's (Apache's merge). */
const innerFirst = <E>(outer: readonly E[], inner: readonly E[]): E[] => [...inner, ...outer];

export const Alias = directive<AliasRule[]>({
  name: "Alias",
  context: "server",
  args: 2,
  parse([from, to], where) {
    const target = where.resolvePath(to);
    return [{ fromPath: from, fromRegex: null, target, root: target.replace(/(.)\/+$/, "$1") }];
  },
  combine: appendList,
  merge: innerFirst,
});

export const AliasMatch = directive<AliasRule[]>({
  name: "AliasMatch",
  context: "server",
  args: 2,
  parse([from, to]) {
    const dollar = to.indexOf("$");
    const literal = dollar >= 0 ? to.slice(0, dollar) : to;
    const root = literal.endsWith("/") ? literal.replace(/(.)\/+$/, "$1") : path.dirname(literal);
    return [{ fromPath: null, fromRegex: ConfigRegex.compile("AliasMatch", from), target: to, root }];
  },
  shares: Alias,
});

/** One `Redirect`/`RedirectMatch` line. */
export interface RedirectRule {
  readonly status: number;
  /** `Redirect`: URL-path prefix matched at segment boundaries. */
  readonly fromPath: string | null;
  /** `RedirectMatch`: regular expression on the URI; `$N` in the target. */
  readonly fromRegex: ConfigRegex | null;
  /** Absolute URL or path; null for statuses that take none (410, ...). */
  readonly target: string | null;
  /** Written outside sections: checked at translation, before access control (as mod_alias). */
  readonly serverLevel: boolean;
  /** Which place (section or server level) wrote it: inner places' rules are tried first. */
  readonly group: number;
}

/** mod_alias's status keywords. */
const STATUS_WORDS: Record<string, number> = { permanent: 301, temp: 302, seeother: 303, gone: 410 };

/** `Redirect[Match] [status] from [URL]`, or a fixed status for RedirectPermanent/RedirectTemp. */
function redirectDirective(name: string, isRegex: boolean, fixedStatus: number | null, owner?: DirectiveSpec<RedirectRule[]>): DirectiveSpec<RedirectRule[]> {
  return {
    name,
    context: "both",
    args: fixedStatus === null ? [1, 3] : 2,
    parse(args, where) {
      let status = fixedStatus ?? 302;
      let rest = args;
      if (fixedStatus === null) {
        const word = args[0].toLowerCase();
        if (STATUS_WORDS[word] !== undefined) {
          status = STATUS_WORDS[word];
          rest = args.slice(1);
        } else if (/^\d+$/.test(word)) {
          status = Number(word);
          if (status < 300 || status > 599) throw new Error(`${name}: ${status} is not a redirect or error status`);
          rest = args.slice(1);
        }
      }
      const isRedirect = status >= 300 && status < 400;
      const [from, target] = rest;
      if (from === undefined) throw new Error(`${name} needs a URL path to match`);
      if (isRedirect && target === undefined) throw new Error(`${name}: status ${status} needs a target URL`);
      if (!isRedirect && target !== undefined) throw new Error(`${name}: status ${status} takes no target URL`);
      if (target !== undefined && !/^[a-z][a-z0-9+.-]*:\/\//i.test(target) && !target.startsWith("/")) {
        throw new Error(`${name}: the target '${target}' must be an absolute URL or a path starting with '/'`);
      }
      if (!isRegex && !from.startsWith("/")) throw new Error(`${name}: the URL path '${from}' must start with '/'`);
      return [
        {
          status,
          fromPath: isRegex ? null : from,
          fromRegex: isRegex ? ConfigRegex.compile(name, from) : null,
          target: target ?? null,
          serverLevel: where.section === null,
          group: where.place,
        },
      ];
    },
    combine: appendList,
    merge: appendList,
    shares: owner,
  };
}

export const Redirect = redirectDirective("Redirect", false, null);
export const REDIRECT_DIRECTIVES = [Redirect, redirectDirective("RedirectMatch", true, null, Redirect), redirectDirective("RedirectPermanent", false, 301, Redirect), redirectDirective("RedirectTemp", false, 302, Redirect)];

/** Apache's default URI-to-file translation for an alias: the path under its target. */
export function aliasTarget(a: AliasRule, uri: string): string | null {
  if (a.fromPath !== null) {
    const from = a.fromPath;
    if (uri === from || uri.startsWith(from.endsWith("/") ? from : from + "/")) return path.join(a.target, uri.slice(from.length));
    return null;
  }
  const m = a.fromRegex!.exec(uri);
  return m ? a.target.replace(/\$(\d)/g, (_, n: string) => m[Number(n)] ?? "") : null;
}
