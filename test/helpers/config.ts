import { ConfigErrors } from "../../platform/errors";

/** Runs a configuration load and returns its errors as `conf:LINE: message` (none: []). */
export function configErrors(load: () => unknown): string[] {
  try {
    load();
  } catch (e) {
    if (e instanceof ConfigErrors) return e.errors.map((x) => x.message.replace(/^.*tsmod\.conf:/, "conf:"));
    throw e;
  }
  return [];
}
