/**
 * A request tsmod answers with an error before any phase runs (a limit, a malformed Host or
 * request target, an upgrade it cannot take), and the reason shown on the error page.
 */
export interface Refusal {
  readonly status: number;
  readonly reason: string;
}
