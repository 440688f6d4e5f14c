export { TsmodServer, type ServerOptions } from "./http-server";
export { Site, type SiteOptions } from "./site";
export { parseRequestUri } from "./request-uri";
