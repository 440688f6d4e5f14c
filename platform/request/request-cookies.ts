import { ErrorCode, TsmodError } from "../errors";
import { configuredSecret, type Secret } from "../cookies";

/** The key for signed and sealed cookies, from the TsOptions in effect. There is no default: using them without one is an error. */
export function requestSecret(options: ReadonlyMap<string, string>): Secret {
  const keys = configuredSecret(options);
  if (keys?.length) return keys;
  throw new TsmodError(ErrorCode.COOKIE_SECRET, "signed and sealed cookies need a key: set TsOption tsmod.secret (32+ characters) or tsmod.secret_file");
}
