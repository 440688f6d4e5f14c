export { ModuleRegistry, autoReloadOn, type LoadedModule, type LoadOptions, type RegistryOptions } from "./module-registry";
export { Interpreters } from "./interpreters";
export { FileWatcher, type FileListener } from "./file-watch";
export { type FileStamp, stampOf, sameStamp } from "./file-stamp";
export { compileModule, typescript } from "./compile";
export { findHandlerModule, resolveImport, resolveModuleFile, isBuiltinName, MODULE_EXTENSIONS } from "./resolve-module";
export { parametersOfFunction } from "./function-parameters";
export { missingExportMessage, loadOptionalPackage } from "./actionable-errors";
