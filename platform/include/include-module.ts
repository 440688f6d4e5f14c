import { defineModule } from "../module";
import { includesFilter } from "./includes-filter";

/**
 * mod_include: the INCLUDES output filter, enabled as Apache enables it (`Options Includes` with
 * `AddOutputFilter INCLUDES .shtml` or `SetOutputFilter INCLUDES`).
 */
export const includeModule = defineModule({
  name: "include",
  providers: { outputFilter: { INCLUDES: includesFilter } },
});
