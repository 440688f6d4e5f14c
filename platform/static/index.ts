export { currentStat } from "./current-stat";
export { defaultHandler } from "./default-handler";
export { isHtFile } from "./protected-files";
export { parseRange, type ByteRange } from "./byte-ranges";
