import { ErrorCode } from "../errors";

/**
 * The TypeError a Request setter throws for a value of the wrong type: caught at once, where
 * the handler assigns it, rather than sent as `Content-Type: 42` or failing later in Node.
 */
function badValue(property: string, expected: string, value: unknown): TypeError {
  const shown = typeof value === "string" ? JSON.stringify(value) : typeof value === "object" && value !== null ? Object.prototype.toString.call(value) : String(value);
  const error = new TypeError(`req.${property} must be ${expected}, not ${typeof value === "object" ? "" : `${typeof value} `}${shown}`);
  (error as TypeError & { code: string }).code = ErrorCode.REQUEST_BAD_VALUE;
  return error;
}

/** `value` if it is a string or null; else the TypeError for `req.<property>`. */
export function stringOrNull(property: string, value: unknown): string | null {
  if (value === null || typeof value === "string") return value;
  throw badValue(property, "a string or null", value);
}

/** `value` if it is a status Node can send (an integer from 100 to 999). */
export function httpStatus(value: unknown): number {
  if (typeof value === "number" && Number.isInteger(value) && value >= 100 && value <= 999) return value;
  throw badValue("status", "an HTTP status: an integer from 100 to 999", value);
}
