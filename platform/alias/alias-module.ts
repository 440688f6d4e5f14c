import { DECLINED, OK } from "../constants";
import { HOOK_FIRST, HOOK_LAST, defineModule } from "../module";
import { Alias, AliasMatch, REDIRECT_DIRECTIVES, Redirect, aliasTarget, type AliasRule, type RedirectRule } from "./directives";
import { checkRedirect, rulesInOrder } from "./redirect-rules";

interface AliasConfig {
  readonly aliases: readonly AliasRule[];
  /** Redirect rules in the order they are tried: inner places first. */
  readonly redirects: readonly RedirectRule[];
  readonly hasServerRedirects: boolean;
  readonly hasSectionRedirects: boolean;
}

/**
 * mod_alias: `Alias`/`AliasMatch` map URLs to folders outside the DocumentRoot; `Redirect*`
 * answers with a redirect (server-level rules at translation, before access control; section
 * rules once the fixups have run, as in Apache).
 */
export const aliasModule = defineModule<AliasConfig>({
  name: "alias",
  directives: [Alias, AliasMatch, ...REDIRECT_DIRECTIVES],
  dirConfig(values) {
    const redirects = rulesInOrder(values.get(Redirect) ?? []);
    return {
      aliases: values.get(Alias) ?? [],
      redirects,
      hasServerRedirects: redirects.some((r) => r.serverLevel),
      hasSectionRedirects: redirects.some((r) => !r.serverLevel),
    };
  },
  hooks: {
    translate: [
      { order: HOOK_FIRST, when: (c) => c.hasServerRedirects, run: (req, c) => checkRedirect(req, c.redirects, true) ?? DECLINED },
      {
        order: HOOK_LAST,
        when: (c) => c.aliases.length > 0,
        run(req, c) {
          for (const a of c.aliases) {
            const target = aliasTarget(a, req.uri);
            if (target !== null) {
              req.filename = target;
              req._state.mappedRoot = a.root;
              return OK;
            }
          }
          return DECLINED;
        },
      },
    ],
    fixup: { order: HOOK_LAST, when: (c) => c.hasSectionRedirects, run: (req, c) => checkRedirect(req, c.redirects, false) ?? DECLINED },
  },
});
