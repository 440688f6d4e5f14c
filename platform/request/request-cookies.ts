import { ErrorCode, TsmodError } from "../errors";
import { configuredSecret, type Secret } from "../cookies";
import type { Request } from "./request";

/** The key for signed and sealed cookies. There is no default: using them without one is an error. */
export function requestSecret(req: Request): Secret {
  const keys = configuredSecret(req._state.plan.core.options);
  if (keys?.length) return keys;
  throw new TsmodError(ErrorCode.COOKIE_SECRET, "signed and sealed cookies need a key: set TsOption tsmod.secret (32+ characters) or tsmod.secret_file");
}
