export { main } from "./main";
export type { CliCommand } from "./main";
