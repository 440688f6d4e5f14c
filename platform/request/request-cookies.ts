import * as fs from "node:fs";
import { ErrorCode, TsmodError } from "../errors";
import { type Secret } from "../cookies";
import type { Request } from "./request";

const fileSecrets = new Map<string, string[]>();

/**
 * The key for signed and sealed cookies: `TsOption tsmod.secret` (several separated by
 * spaces: the first signs, all verify, for rotation) or `TsOption tsmod.secret_file` (one key
 * per line). There is no default key: using a feature that needs one without it is an error.
 */
export function requestSecret(req: Request): Secret {
  const options = req._state.dir.options;
  const inline = options.get("tsmod.secret");
  if (inline) return inline.split(/\s+/).filter(Boolean);
  const file = options.get("tsmod.secret_file");
  if (file) {
    let keys = fileSecrets.get(file);
    if (!keys) {
      try {
        keys = fs.readFileSync(file, "utf8").split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
      } catch (e) {
        throw new TsmodError(ErrorCode.COOKIE_SECRET, `cannot read tsmod.secret_file ${file}: ${(e as Error).message}`);
      }
      fileSecrets.set(file, keys);
    }
    return keys;
  }
  throw new TsmodError(ErrorCode.COOKIE_SECRET, "signed and sealed cookies need a key: set TsOption tsmod.secret (32+ characters) or tsmod.secret_file");
}
