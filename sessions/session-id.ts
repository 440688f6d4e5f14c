import { randomBytes } from "node:crypto";
import type { SessionCookie } from "./session-store";

/**
 * 128 random bits as 32 lowercase hex characters: the strength the issue asks for, in the
 * exact format mod_python validates (`[0-9a-f]{32}`), so ids stay interchangeable with its tests.
 */
const SESSION_ID = /^[0-9a-f]{32}$/;

export function newSessionId(): string {
  return randomBytes(16).toString("hex");
}

/**
 * True only for ids this library could have issued. Everything else a client sends
 * (path-like, overlong, upper-case, empty) is ignored and a new session is issued.
 */
export function isValidSessionId(value: unknown): value is string {
  return typeof value === "string" && SESSION_ID.test(value);
}

/** decodeCookie of the server-side stores: the cookie is the bare id. */
export async function decodeIdCookie(value: string): Promise<SessionCookie | undefined> {
  return isValidSessionId(value) ? { id: value } : undefined;
}
