export { proxyRequest } from "./proxy-request";
export { proxyFilename, proxyHandlerFor, isProxied, PROXY_HANDLER, PROXY_FILENAME_PREFIX } from "./proxy-route";
