import type { CoreDir } from "./core-config";

/**
 * What the layers below the module API see of a plan (`platform/module`'s Plan): the core's
 * per-directory settings and, by name, a module's per-directory config.
 */
export interface PlanView {
  readonly core: CoreDir;
  moduleConfig(name: string): unknown;
}
