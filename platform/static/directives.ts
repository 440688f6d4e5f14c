import { directive } from "../config";

/** `DirectoryIndex disabled` is the empty list. */
export const DirectoryIndex = directive<string[]>({
  name: "DirectoryIndex",
  context: "both",
  args: [1, Infinity],
  parse: (names) => (names.length === 1 && names[0].toLowerCase() === "disabled" ? [] : names),
});

export interface StaticConfig {
  /** `DirectoryIndex` names, tried in order. */
  readonly directoryIndex: readonly string[];
}
