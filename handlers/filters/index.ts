export * as gzip from "./gzip";
export { acceptsCoding, type CodingChoice } from "./accept-encoding";
