export { parseCookies } from "./parse-cookies";
export { type CookieOptions, serializeCookie } from "./serialize-cookie";
