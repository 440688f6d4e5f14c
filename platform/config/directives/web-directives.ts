import { parseHeaderRule } from "../../headers/header-rule";
import { ConfigRegex } from "../config-regex";
import type { DirConfig, RedirectRule } from "../model";
import { OR_ALL, type ApplyContext, type DirectiveDef } from "./directive-def";

/** mod_alias's status keywords. */
const STATUS_WORDS: Record<string, number> = { permanent: 301, temp: 302, seeother: 303, gone: 410 };

let ruleCounter = 0;
let groupCounter = 0;
/** One group id per section (or server level), so inner sections' rules can be tried first. */
const groups = new WeakMap<DirConfig, number>();

function groupOf(dir: DirConfig): number {
  let g = groups.get(dir);
  if (g === undefined) {
    g = groupCounter++;
    groups.set(dir, g);
  }
  return g;
}

/** `Redirect[Match] [status] from [URL]`, or a fixed status for RedirectPermanent/RedirectTemp. */
function redirectDirective(name: string, isRegex: boolean, fixedStatus: number | null): DirectiveDef {
  return {
    name,
    contexts: OR_ALL,
    minArgs: fixedStatus === null ? 1 : 2,
    maxArgs: fixedStatus === null ? 3 : 2,
    apply(ctx, args) {
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
      addRule(ctx, {
        status,
        fromPath: isRegex ? null : from,
        fromRegex: isRegex ? ConfigRegex.compile(name, from) : null,
        target: target ?? null,
        serverLevel: ctx.serverLevel !== null,
        group: groupOf(ctx.dir),
      });
    },
  };
}

function addRule(ctx: ApplyContext, rule: RedirectRule): void {
  ctx.dir.redirects ??= new Map();
  ctx.dir.redirects.set(`r${ruleCounter++}`, rule);
}

export const webDirectives: DirectiveDef[] = [
  redirectDirective("Redirect", false, null),
  redirectDirective("RedirectMatch", true, null),
  redirectDirective("RedirectPermanent", false, 301),
  redirectDirective("RedirectTemp", false, 302),
  {
    name: "Header",
    contexts: OR_ALL,
    minArgs: 2,
    maxArgs: 6,
    apply(ctx, args) {
      const rule = parseHeaderRule(args);
      ctx.dir.headerRules ??= new Map();
      ctx.dir.headerRules.set(`h${ruleCounter++}`, rule);
    },
  },
];
