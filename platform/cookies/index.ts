export { configuredSecret } from "./configured-secret";
export { parseCookies } from "./parse-cookies";
export { type SealOptions, sealCookieValue, unsealCookieValue } from "./sealed-cookie";
export { MIN_SECRET_LENGTH, type Secret, secretId } from "./secrets";
export { type CookieOptions, serializeCookie } from "./serialize-cookie";
export { signCookie, verifySignedCookie } from "./signed-cookie";
export { type IronPassword, ironSeal, ironUnseal } from "./iron";
