/** The reverse proxy (mod_proxy) as a module. */
export { proxyModule } from "./proxy-module";
export type { ProxyConfig } from "./directives";
export { PROXY_HANDLER, PROXY_FILENAME_PREFIX, isProxied } from "./proxy-route";
