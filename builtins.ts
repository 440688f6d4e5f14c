import {
  ModuleSet,
  accessLogModule,
  aliasModule,
  appsModule,
  authModule,
  defineModule,
  filtersModule,
  headersModule,
  mimeModule,
  proxyModule,
  staticModule,
  tsHandlersModule,
  type TsmodModule,
} from "./platform";
import { sessionsModule } from "./sessions";

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
  },
});

/**
 * What tsmod ships, in hook order where orders tie: mod_python's handler stacks first, then
 * Apache's features, sessions and the handler library.
 */
export function shippedModules(): TsmodModule<any>[] {
  return [tsHandlersModule, proxyModule, aliasModule, mimeModule, headersModule, authModule, filtersModule, staticModule, accessLogModule, sessionsModule, handlerLibrary, appsModule];
}

/** The shipped modules with `extra` after them (an embedder's own, or replacements by name). */
export function shippedModuleSet(extra: readonly TsmodModule<any>[] = []): ModuleSet {
  const names = new Set(extra.map((m) => m.name.toLowerCase()));
  return new ModuleSet([...shippedModules().filter((m) => !names.has(m.name.toLowerCase())), ...extra]);
}
