export { TsmodServer, IDLE_LINGER_MS, gracefulShutdownMs, type ServerOptions } from "./http-server";
export { Site, type SiteOptions } from "./site";
export { describeStray, guardProcess } from "./stray-errors";
export { parseRequestUri } from "./request-uri";
export { VhostMatcher } from "./vhost-match";
export { existsConfigDefine, serverRoot, configTree, mpmQuery, type ConfigNode } from "./process-api";
