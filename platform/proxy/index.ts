/** The reverse proxy (mod_proxy) as a module. */
export { proxyModule, type ProxyConfig } from "./proxy-module";
export { PROXY_HANDLER, PROXY_FILENAME_PREFIX, isProxied } from "./proxy-route";
