import { ErrorCode, TsmodError } from "../errors";

/** The body does not follow its encoding (400). */
export function malformedForm(message: string): TsmodError {
  return new TsmodError(ErrorCode.FORM_MALFORMED, message, 400);
}

/**
 * The body is in an encoding tsmod does not parse as a form. mod_python answered 501, but 501
 * says the server lacks a feature for the *method*; 415 (RFC 9110 §15.5.16) names the actual
 * problem, the content's media type, and tells the client it may retry in another one.
 */
export function unsupportedForm(message: string): TsmodError {
  return new TsmodError(ErrorCode.FORM_UNSUPPORTED_TYPE, message, 415);
}

/** The body stopped before it was complete: a client abort or a broken connection (400). */
export function abortedBody(message: string): TsmodError {
  return new TsmodError(ErrorCode.BODY_ABORTED, message, 400);
}

/** A client-chosen field name, quoted and shortened for an error message. */
export function describeName(name: Buffer | string): string {
  const bytes = typeof name === "string" ? Buffer.from(name, "latin1") : name;
  const text = bytes.subarray(0, 64).toString("latin1");
  return JSON.stringify(bytes.length > 64 ? `${text}...` : text);
}
