/** Apache's default handler (static files and folders) as a module. */
export { staticModule } from "./static-module";
export type { StaticConfig } from "./directives";
export { parseRange, type ByteRange } from "./byte-ranges";
