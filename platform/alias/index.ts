/** mod_alias as a module: Alias, AliasMatch, Redirect, RedirectMatch, RedirectPermanent, RedirectTemp. */
export { aliasModule } from "./alias-module";
export type { AliasRule } from "./directives";
