export { parseHeaderRule } from "./header-rule";
export { applyHeaderRules, ERROR_RESPONSE_NOTE } from "./apply-header-rules";
