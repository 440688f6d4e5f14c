/**
 * Every error tsmod raises itself carries one of these codes, so callers and tests can
 * tell them apart without matching message text.
 */
export const ErrorCode = {
  CONFIG_SYNTAX: "TSMOD_CONFIG_SYNTAX",
  CONFIG_UNKNOWN_DIRECTIVE: "TSMOD_CONFIG_UNKNOWN_DIRECTIVE",
  CONFIG_ARGUMENTS: "TSMOD_CONFIG_ARGUMENTS",
  CONFIG_CONTEXT: "TSMOD_CONFIG_CONTEXT",
  CONFIG_SECTION: "TSMOD_CONFIG_SECTION",
  CONFIG_INCLUDE: "TSMOD_CONFIG_INCLUDE",
  CONFIG_MODULE_NOT_FOUND: "TSMOD_CONFIG_MODULE_NOT_FOUND",
  MODULE_NOT_FOUND: "TSMOD_MODULE_NOT_FOUND",
  MODULE_COMPILE: "TSMOD_MODULE_COMPILE",
  HANDLER_NOT_FOUND: "TSMOD_HANDLER_NOT_FOUND",
  HANDLER_NOT_CALLABLE: "TSMOD_HANDLER_NOT_CALLABLE",
  HANDLER_BAD_RESULT: "TSMOD_HANDLER_BAD_RESULT",
  HANDLER_SPEC: "TSMOD_HANDLER_SPEC",
  INVALID_PHASE: "TSMOD_INVALID_PHASE",
  BODY_TOO_LARGE: "TSMOD_BODY_TOO_LARGE",
  BODY_TIMEOUT: "TSMOD_BODY_TIMEOUT",
  BODY_ABORTED: "TSMOD_BODY_ABORTED",
  BODY_CONSUMED: "TSMOD_BODY_CONSUMED",
  HEADERS_SENT: "TSMOD_HEADERS_SENT",
  CLIENT_GONE: "TSMOD_CLIENT_GONE",
  SENDFILE: "TSMOD_SENDFILE",
  REDIRECT_LOOP: "TSMOD_REDIRECT_LOOP",
  BAD_REQUEST_URI: "TSMOD_BAD_REQUEST_URI",
  // --- psp-templates (issue 7) ---
  PSP_SYNTAX: "TSMOD_PSP_SYNTAX",
  PSP_RUNTIME: "TSMOD_PSP_RUNTIME",
  PSP_INCLUDE: "TSMOD_PSP_INCLUDE",
  PSP_NOT_FOUND: "TSMOD_PSP_NOT_FOUND",
  PSP_ARGUMENTS: "TSMOD_PSP_ARGUMENTS",
  // --- end psp-templates ---
  // --- forms and cookies (platform/forms, platform/cookies) ---
  FORM_TOO_LARGE: "TSMOD_FORM_TOO_LARGE",
  FORM_MALFORMED: "TSMOD_FORM_MALFORMED",
  FORM_UNSUPPORTED_TYPE: "TSMOD_FORM_UNSUPPORTED_TYPE",
  COOKIE_INVALID: "TSMOD_COOKIE_INVALID",
  COOKIE_SECRET: "TSMOD_COOKIE_SECRET",
  // --- end forms and cookies ---
  // --- publisher (issue 5) ---
  PUBLISHER_BAD_HOOK: "TSMOD_PUBLISHER_BAD_HOOK",
  PUBLISHER_MISSING_ARGUMENT: "TSMOD_PUBLISHER_MISSING_ARGUMENT",
  PUBLISHER_BAD_AUTHORIZATION: "TSMOD_PUBLISHER_BAD_AUTHORIZATION",
  PUBLISHER_UNBINDABLE: "TSMOD_PUBLISHER_UNBINDABLE",
  PUBLISHER_BAD_RESULT: "TSMOD_PUBLISHER_BAD_RESULT",
  // --- end publisher ---
  // --- sessions (sessions/) ---
  /** A tsmod.session.* option or tsmod.secret is missing or malformed. */
  SESSION_CONFIG: "TSMOD_SESSION_CONFIG",
  /** The session store (database) cannot be reached or failed; answers 503. */
  SESSION_STORE_UNAVAILABLE: "TSMOD_SESSION_STORE_UNAVAILABLE",
  /** The session lock was not obtained within tsmod.session.lock_timeout; answers 503. */
  SESSION_LOCK_TIMEOUT: "TSMOD_SESSION_LOCK_TIMEOUT",
  /** A session value is not JSON data (function, Date, Map, cycle, NaN, ...). */
  SESSION_VALUE: "TSMOD_SESSION_VALUE",
  /** The session cookie would exceed the 4096-byte browser limit (cookie store). */
  SESSION_TOO_LARGE: "TSMOD_SESSION_TOO_LARGE",
  /** A session method was used in a state that forbids it (e.g. regenerate after invalidate). */
  SESSION_STATE: "TSMOD_SESSION_STATE",
  // --- end sessions ---
  // --- filters (issue 9) ---
  FILTER_NOT_FOUND: "TSMOD_FILTER_NOT_FOUND",
  FILTER_FAILED: "TSMOD_FILTER_FAILED",
  FILTER_TOO_LATE: "TSMOD_FILTER_TOO_LATE",
  FILTER_CLOSED: "TSMOD_FILTER_CLOSED",
  // --- end filters ---
  // --- graceful operations and workers (platform/cluster) ---
  WORKER_START: "TSMOD_WORKER_START",
  // --- end graceful operations and workers ---
  // --- connection robustness (issue 17) ---
  /** A handler set a header, status or status line Node cannot send (CR, LF, NUL, ...); answers 500. */
  RESPONSE_HEAD_INVALID: "TSMOD_RESPONSE_HEAD_INVALID",
  // --- end connection robustness ---
  // --- file descriptors ---
  /** The process or the system had no file descriptor left to open a file for a request (503). */
  TOO_MANY_OPEN_FILES: "TSMOD_TOO_MANY_OPEN_FILES",
  // --- end file descriptors ---
  // --- serving in production (issue 20) ---
  /** A Listen address could not be bound (in use, a privileged port): one line at start, no stack. */
  LISTEN_FAILED: "TSMOD_LISTEN_FAILED",
  // --- end serving in production ---
  // --- apps and daemon processes (issue 21) ---
  /** A TsAppAlias module exports nothing servable under the name asked for. */
  APP_NOT_FOUND: "TSMOD_APP_NOT_FOUND",
  /** A daemon group's process died, hung past its request timeout or outgrew its memory limit (503). */
  DAEMON_FAILED: "TSMOD_DAEMON_FAILED",
  // --- end apps and daemon processes ---
  // --- the newcomer's path (issue 23) ---
  /** A handler module imports an npm package that is not installed where Node looks for it. */
  PACKAGE_NOT_INSTALLED: "TSMOD_PACKAGE_NOT_INSTALLED",
  /** A Request property was set to a value of the wrong type (`req.contentType = 42`). */
  REQUEST_BAD_VALUE: "TSMOD_REQUEST_BAD_VALUE",
  // --- end the newcomer's path ---
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class TsmodError extends Error {
  readonly code: ErrorCode;
  /** The HTTP status this error answers with when it ends a request. */
  readonly status: number;

  constructor(code: ErrorCode, message: string, status = 500) {
    super(message);
    this.name = "TsmodError";
    this.code = code;
    this.status = status;
  }
}

/** One configuration error, always tied to the file and line it was found on. */
export class ConfigError extends TsmodError {
  readonly file: string;
  readonly line: number;

  constructor(code: ErrorCode, file: string, line: number, message: string) {
    super(code, `${file}:${line}: ${message}`);
    this.name = "ConfigError";
    this.file = file;
    this.line = line;
  }
}

/** Raised when a configuration has errors; lists all of them, not just the first. */
export class ConfigErrors extends Error {
  readonly errors: ConfigError[];

  constructor(errors: ConfigError[]) {
    super(errors.map((e) => e.message).join("\n"));
    this.name = "ConfigErrors";
    this.errors = errors;
  }
}

/**
 * Thrown by a handler to end it with a result, exactly as if it had returned that result
 * (mod_python's `apache.SERVER_RETURN`). An optional status is assigned to `req.status`.
 */
export class ServerReturn extends Error {
  readonly result: number;
  readonly statusOverride: number | undefined;

  constructor(result: number, status?: number) {
    super(`ServerReturn(${result})`);
    this.name = "ServerReturn";
    this.result = result;
    this.statusOverride = status;
  }
}

/** Cross-realm check: handler modules run in Node's main context, tests may not. */
export function isServerReturn(value: unknown): value is ServerReturn {
  return (
    value instanceof ServerReturn ||
    (typeof value === "object" && value !== null && (value as { name?: unknown }).name === "ServerReturn" &&
      typeof (value as { result?: unknown }).result === "number")
  );
}

/**
 * The 503 for an error that says the process (EMFILE) or the system (ENFILE) has no file
 * descriptor left, whoever opened the file: an overload that passes once requests finish, not
 * a fault of the request or of the code. `undefined` for any other error. `what` names the
 * file's purpose for the client; the log gets the original error (with the path) as well.
 */
export function outOfFiles(err: unknown, what = "a file"): TsmodError | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (code !== "EMFILE" && code !== "ENFILE") return undefined;
  const who = code === "EMFILE" ? "the server process" : "the system";
  const error = new TsmodError(ErrorCode.TOO_MANY_OPEN_FILES, `cannot open ${what}: ${who} has reached its open file limit (${code}); try again later`, 503);
  error.cause = err;
  return error;
}
