/** mod_python's handler directives (`TsHandler`, `TsAuthenHandler`, ...) as a module. */
export { tsHandlersModule } from "./ts-handlers-module";
export { parseHandlerList, type HandlerLists } from "./directives";
