/** Apache's default handler (static files and folders) as a module. */
export { staticModule, type StaticConfig } from "./static-module";
export { parseRange, type ByteRange } from "./byte-ranges";
