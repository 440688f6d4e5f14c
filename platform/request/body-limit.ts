import type { DirConfig } from "../config/model";

/** Default `LimitRequestBody` (Apache 2.4.54+): 1 GiB. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024 * 1024;

/** The `LimitRequestBody` in effect for a section (0: unlimited). */
export function bodyLimit(dir: DirConfig): number {
  return dir.limitRequestBody ?? DEFAULT_BODY_LIMIT;
}
