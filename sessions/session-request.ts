/**
 * The only view of a request the sessions library needs. The platform's Request satisfies
 * it; keeping it this small lets sessions be built and tested without the server core.
 */
export interface SessionRequest {
  /** TsOption values in effect (tsmod.session.*, tsmod.secret). */
  getOptions(): { get(name: string): string | undefined };
  /** Cookies sent by the client (name -> value). */
  cookies(): Record<string, string>;
  /** Appends one Set-Cookie header value to the response (also sent on error responses). */
  addSetCookie(headerValue: string): void;
  /** True when the request came over HTTPS (for the Secure flag). */
  readonly isHttps: boolean;
  /** Runs fn when the request ends (after the response), also when a handler threw. */
  registerCleanup(fn: () => unknown): void;
}
