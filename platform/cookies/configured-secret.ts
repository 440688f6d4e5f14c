import * as fs from "node:fs";
import { ErrorCode, TsmodError } from "../errors";

const fileSecrets = new Map<string, readonly string[]>();

/**
 * The keys a configuration gives for signed and sealed data: `TsOption tsmod.secret` (several
 * separated by spaces: the first signs, all verify, for rotation), else `TsOption
 * tsmod.secret_file` (one key per line, read once); undefined when neither is set. Lengths
 * are checked where a key is used (`secretList`).
 */
export function configuredSecret(options: { get(name: string): string | undefined }): readonly string[] | undefined {
  const inline = options.get("tsmod.secret")?.trim();
  if (inline) return inline.split(/\s+/);
  const file = options.get("tsmod.secret_file")?.trim();
  if (!file) return undefined;
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
