/** Handler results, as mod_python's `apache` module defines them. */
export const OK = 0;
export const DECLINED = -1;
export const DONE = -2;

export const HTTP_CONTINUE = 100;
export const HTTP_SWITCHING_PROTOCOLS = 101;
export const HTTP_PROCESSING = 102;
export const HTTP_OK = 200;
export const HTTP_CREATED = 201;
export const HTTP_ACCEPTED = 202;
export const HTTP_NON_AUTHORITATIVE = 203;
export const HTTP_NO_CONTENT = 204;
export const HTTP_RESET_CONTENT = 205;
export const HTTP_PARTIAL_CONTENT = 206;
export const HTTP_MULTI_STATUS = 207;
export const HTTP_MULTIPLE_CHOICES = 300;
export const HTTP_MOVED_PERMANENTLY = 301;
export const HTTP_MOVED_TEMPORARILY = 302;
export const HTTP_SEE_OTHER = 303;
export const HTTP_NOT_MODIFIED = 304;
export const HTTP_USE_PROXY = 305;
export const HTTP_TEMPORARY_REDIRECT = 307;
export const HTTP_PERMANENT_REDIRECT = 308;
export const HTTP_BAD_REQUEST = 400;
export const HTTP_UNAUTHORIZED = 401;
export const HTTP_PAYMENT_REQUIRED = 402;
export const HTTP_FORBIDDEN = 403;
export const HTTP_NOT_FOUND = 404;
export const HTTP_METHOD_NOT_ALLOWED = 405;
export const HTTP_NOT_ACCEPTABLE = 406;
export const HTTP_PROXY_AUTHENTICATION_REQUIRED = 407;
export const HTTP_REQUEST_TIME_OUT = 408;
export const HTTP_CONFLICT = 409;
export const HTTP_GONE = 410;
export const HTTP_LENGTH_REQUIRED = 411;
export const HTTP_PRECONDITION_FAILED = 412;
export const HTTP_REQUEST_ENTITY_TOO_LARGE = 413;
export const HTTP_REQUEST_URI_TOO_LARGE = 414;
export const HTTP_UNSUPPORTED_MEDIA_TYPE = 415;
export const HTTP_RANGE_NOT_SATISFIABLE = 416;
export const HTTP_EXPECTATION_FAILED = 417;
export const HTTP_IM_A_TEAPOT = 418;
export const HTTP_UNPROCESSABLE_ENTITY = 422;
export const HTTP_LOCKED = 423;
export const HTTP_FAILED_DEPENDENCY = 424;
export const HTTP_UPGRADE_REQUIRED = 426;
export const HTTP_TOO_MANY_REQUESTS = 429;
export const HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE = 431;
export const HTTP_INTERNAL_SERVER_ERROR = 500;
export const HTTP_NOT_IMPLEMENTED = 501;
export const HTTP_BAD_GATEWAY = 502;
export const HTTP_SERVICE_UNAVAILABLE = 503;
export const HTTP_GATEWAY_TIME_OUT = 504;
export const HTTP_VERSION_NOT_SUPPORTED = 505;
export const HTTP_VARIANT_ALSO_VARIES = 506;
export const HTTP_INSUFFICIENT_STORAGE = 507;
export const HTTP_NOT_EXTENDED = 510;

/** Log levels, with the syslog numbers Apache uses. */
export const APLOG_EMERG = 0;
export const APLOG_ALERT = 1;
export const APLOG_CRIT = 2;
export const APLOG_ERR = 3;
export const APLOG_WARNING = 4;
export const APLOG_NOTICE = 5;
export const APLOG_INFO = 6;
export const APLOG_DEBUG = 7;

/** The handler name that routes the content phase to TypeScript handlers. */
export const TSMOD_HANDLER = "tsmod";

export const SERVER_SOFTWARE = "tsmod/0.1.0";

/**
 * Set on a request whose response is an error page (Apache's `ap_send_error_response`):
 * only `Header always` rules apply to it, as mod_headers' error filter does.
 */
export const ERROR_RESPONSE_NOTE = "tsmod.error-response";

// ---- mod_python's remaining constants (apache.*), for the members that use them ----

/** `req.getRemoteHost(type)`. */
export const REMOTE_HOST = 0;
export const REMOTE_NAME = 1;
export const REMOTE_NOLOOKUP = 2;
export const REMOTE_DOUBLE_REV = 3;

/** `req.proxyreq`. */
export const PROXYREQ_NONE = 0;
export const PROXYREQ_PROXY = 1;
export const PROXYREQ_REVERSE = 2;
export const PROXYREQ_RESPONSE = 3;

/** `req.usedPathInfo`. */
export const AP_REQ_ACCEPT_PATH_INFO = 0;
export const AP_REQ_REJECT_PATH_INFO = 1;
export const AP_REQ_DEFAULT_PATH_INFO = 2;

/** `req.connection.keepalive`. */
export const AP_CONN_UNKNOWN = 0;
export const AP_CONN_CLOSE = 1;
export const AP_CONN_KEEPALIVE = 2;

/** `mpmQuery(code)` codes and answers (Apache's AP_MPMQ_*). */
export const AP_MPMQ_NOT_SUPPORTED = 0;
export const AP_MPMQ_STATIC = 1;
export const AP_MPMQ_DYNAMIC = 2;
export const AP_MPMQ_MAX_DAEMON_USED = 1;
export const AP_MPMQ_IS_THREADED = 2;
export const AP_MPMQ_IS_FORKED = 3;
export const AP_MPMQ_HARD_LIMIT_DAEMONS = 4;
export const AP_MPMQ_HARD_LIMIT_THREADS = 5;
export const AP_MPMQ_MAX_THREADS = 6;
export const AP_MPMQ_MIN_SPARE_DAEMONS = 7;
export const AP_MPMQ_MIN_SPARE_THREADS = 8;
export const AP_MPMQ_MAX_SPARE_DAEMONS = 9;
export const AP_MPMQ_MAX_SPARE_THREADS = 10;
export const AP_MPMQ_MAX_REQUESTS_DAEMON = 11;
export const AP_MPMQ_MAX_DAEMONS = 12;
