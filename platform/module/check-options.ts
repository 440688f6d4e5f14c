import { closest } from "../config";
import { coreDirectives } from "../core";
import type { CheckContext, TsmodModule } from "./define-module";

/** Keys under this prefix belong to tsmod and its modules; other TsOption keys are the site's own. */
const RESERVED_PREFIX = "tsmod.";

/**
 * Every `TsOption tsmod.*` key must be one a loaded module declares (`options` in its spec):
 * a misspelt key would otherwise be ignored and its default used without a word.
 */
export function checkOptionKeys(ctx: CheckContext, modules: readonly TsmodModule<any>[]): void {
  const known = new Set(modules.flatMap((m) => Object.keys(m.options ?? {})));
  for (const l of ctx.config.lines) {
    if (l.spec !== coreDirectives.TsOption) continue;
    const key = l.args[0];
    if (!key.toLowerCase().startsWith(RESERVED_PREFIX) || known.has(key)) continue;
    const guess = closest(key, known);
    ctx.report(l.file, l.line, `TsOption: unknown key '${key}'${guess ? ` (did you mean '${guess}'?)` : ""}; keys under 'tsmod.' are tsmod's own (use another prefix for the site's options)`);
  }
}
