export { Request, DEFAULT_BODY_LIMIT, type RequestInit, type HandlerInfo } from "./request";
export { Output, type ResponseHead } from "./output";
export { BodyReader } from "./body-reader";
export { ServerInfo, optionsTable, type ConnectionInfo } from "./server-info";
export type { RequestRuntime, RequestState, RequestExtensions, ExtensionsFactory } from "./request-state";
export { parseBasicAuth } from "./basic-auth";
export { redirect } from "./redirect";
export type { SessionLike, JsonValue } from "./session-like";
