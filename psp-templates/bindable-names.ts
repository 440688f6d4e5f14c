import type * as TS from "typescript";
import { typescript } from "../platform";

/** Names the page function uses itself, or that strict mode forbids declaring. */
const UNBINDABLE = new Set(["__psp_vars", "__eta", "eval", "arguments", "await", "yield"]);

let scanner: TS.Scanner | undefined;

/**
 * Whether a var name can be declared as a plain name in the (strict, async) page function.
 * Other vars stay reachable through `__psp_vars["odd-name"]`.
 */
export function isBindableName(name: string): boolean {
  if (UNBINDABLE.has(name)) return false;
  const ts = typescript();
  scanner ??= ts.createScanner(ts.ScriptTarget.Latest, true);
  scanner.setText(name);
  const token = scanner.scan();
  if (scanner.getTokenEnd() !== name.length) return false;
  if (token === ts.SyntaxKind.Identifier) return true;
  const reserved =
    (token >= ts.SyntaxKind.FirstReservedWord && token <= ts.SyntaxKind.LastReservedWord) ||
    (token >= ts.SyntaxKind.FirstFutureReservedWord && token <= ts.SyntaxKind.LastFutureReservedWord);
  return token >= ts.SyntaxKind.FirstKeyword && token <= ts.SyntaxKind.LastKeyword && !reserved;
}
