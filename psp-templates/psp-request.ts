import type { MaybePromise } from "../platform";

/**
 * What the PSP engine needs from a request. tsmod's Request satisfies it; so does any object
 * a test or another front end builds, which keeps the engine independent of the server core.
 */
export interface PSPRequest {
  /** The page a `.psp` request maps to, and the folder relative page names start from. */
  readonly filename: string;
  contentType: string | null;
  /** Set by `psp.redirect`. */
  status: number;
  /** Receives `Location` from `psp.redirect`. */
  readonly headersOut: { set(name: string, value: string): unknown };
  /** Called with the page's output once it is complete (or at each `req.flush()` in the page). */
  write(data: string): MaybePromise<void>;
  flush?(): MaybePromise<void>;
  /** Default `form` provider when none is given: the request's parsed fields. */
  form?(): unknown;
  /** Default `session` provider when none is given. */
  getSession?(): unknown;
}

/**
 * Creates an object (or a promise of it) for the page's request on first use only; pages
 * that never name it never pay for it.
 */
export type LazyProvider = (req: PSPRequest) => unknown;
