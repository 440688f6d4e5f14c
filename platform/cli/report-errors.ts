import { ConfigErrors, ErrorCode, TsmodError } from "../errors";

/** Every configuration error as `FILE:LINE: message` on stderr, a failed Listen as one line; anything else with its stack. */
export function reportConfigErrors(e: unknown): void {
  if (e instanceof ConfigErrors) for (const err of e.errors) process.stderr.write(err.message + "\n");
  else if (e instanceof TsmodError && e.code === ErrorCode.LISTEN_FAILED) process.stderr.write(`tsmod: ${e.message}\n`);
  else process.stderr.write(`tsmod: ${(e as Error).stack ?? e}\n`);
}
