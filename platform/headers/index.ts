export { parseHeaderRule } from "./header-rule";
export { applyHeaderRules, ERROR_RESPONSE_NOTE } from "./apply-header-rules";
export { HOP_BY_HOP, connectionTokens, dropConnectionOptions } from "./hop-by-hop";
