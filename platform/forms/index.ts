export { parseQs, parseQsl } from "./parse-qs";
