export { ModuleRegistry, type LoadedModule, type RegistryOptions } from "./module-registry";
export { Interpreters } from "./interpreters";
export { compileModule } from "./compile";
export { findHandlerModule, resolveModuleFile, isBuiltinName, MODULE_EXTENSIONS } from "./resolve-module";
