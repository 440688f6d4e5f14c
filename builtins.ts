import {
  ModuleSet,
  accessLogModule,
  aliasModule,
  appsModule,
  authModule,
  authBasicModule,
  authnFileModule,
  defineModule,
  filtersModule,
  headersModule,
  includeModule,
  inspectModule,
  mimeModule,
  proxyModule,
  staticModule,
  tsHandlersModule,
  type TsmodModule,
  envModule,
  expiresModule,
  rewriteModule,
} from "./platform";
import { sessionsModule } from "./sessions";
import { userDatabaseModule } from "./handlers/user-database";
import { forwardAuthModule } from "./handlers/forward-auth";
import { formAuthModule } from "./handlers/form-auth";

/**
 * The handler modules shipped with tsmod, which handler code names (`TsHandler tsmod/publisher`,
 * ...), each loaded on first use. (`tsmod` itself is the package entry's to give: index.ts.)
 */
const handlerLibrary = defineModule({
  name: "tsmod_library",
  builtins: {
    "tsmod/filters/gzip": () => require("./handlers/filters").gzip,
    "tsmod/psp": () => require("./psp-templates"),
    "tsmod/publisher": () => require("./publisher"),
    "tsmod/testhandler": () => require("./handlers/testhandler"),
  },
});

/**
 * What tsmod ships, in hook order where orders tie: mod_python's handler stacks first, then
 * Apache's features, sessions and the handler library.
 */
export function shippedModules(): TsmodModule<any>[] {
  return [tsHandlersModule, proxyModule, aliasModule, mimeModule, headersModule, authModule, filtersModule, staticModule, accessLogModule, sessionsModule, handlerLibrary, envModule, expiresModule, rewriteModule, authBasicModule, authnFileModule, userDatabaseModule, forwardAuthModule, formAuthModule, includeModule, inspectModule, appsModule];
}

/** The shipped modules with `extra` after them (an embedder's own, or replacements by name). */
export function shippedModuleSet(extra: readonly TsmodModule<any>[] = []): ModuleSet {
  const names = new Set(extra.map((m) => m.name.toLowerCase()));
  return new ModuleSet([...shippedModules().filter((m) => !names.has(m.name.toLowerCase())), ...extra]);
}
