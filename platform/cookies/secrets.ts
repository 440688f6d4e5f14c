import { createHash } from "node:crypto";
import { ErrorCode, TsmodError } from "../errors";

/**
 * A key for signed and sealed cookies, or several for rotation: the first signs and seals,
 * every one is accepted when verifying, so old cookies stay valid while a new key rolls out.
 */
export type Secret = string | readonly string[];

/** iron's minimum, applied to signed cookies too: shorter keys are guessable offline. */
export const MIN_SECRET_LENGTH = 32;

/** The secrets as a non-empty list; throws a `COOKIE_SECRET` error for a missing or short one. */
export function secretList(secret: Secret): readonly string[] {
  const list = typeof secret === "string" ? [secret] : secret;
  if (list.length === 0) throw new TsmodError(ErrorCode.COOKIE_SECRET, "no cookie secret is configured");
  list.forEach((s, i) => {
    if (typeof s !== "string" || s.length < MIN_SECRET_LENGTH) {
      const which = list.length > 1 ? ` #${i + 1}` : "";
      const length = typeof s === "string" ? s.length : 0;
      throw new TsmodError(
        ErrorCode.COOKIE_SECRET,
        `cookie secret${which} has ${length} characters; at least ${MIN_SECRET_LENGTH} are required`,
      );
    }
  });
  return list;
}

/**
 * iron names the key that made a seal so that unsealing can pick it. Derived from the key
 * itself, the name stays stable however the list of secrets is reordered during rotation.
 */
export function secretId(secret: string): string {
  return createHash("sha256").update(secret).digest("hex").slice(0, 16);
}
