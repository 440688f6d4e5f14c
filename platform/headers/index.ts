/** mod_headers as a module. */
export { headersModule } from "./headers-module";
export { parseHeaderRule, type HeaderRule, type HeaderAction } from "./header-rule";
