import type * as TS from "typescript";
import { typescript } from "../platform";

/**
 * Which of `names` the page code refers to as plain names, the way mod_python looked at
 * `co_names`: `form` and `session` are only created for pages that use them. `req.form` (a
 * property) does not count; a declaration does, which at worst creates an unused object.
 */
export function referencedNames(body: string, names: readonly string[]): Set<string> {
  const wanted = new Set(names);
  const found = new Set<string>();
  const ts = typescript();
  const file = ts.createSourceFile("page.js", `async function page() {\n${body}\n}`, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const visit = (node: TS.Node): void => {
    if (ts.isIdentifier(node) && wanted.has(node.text) && !isPropertyName(node)) found.add(node.text);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function isPropertyName(node: TS.Identifier): boolean {
  const ts = typescript();
  const parent = node.parent;
  return (
    ((ts.isPropertyAccessExpression(parent) || ts.isPropertyAssignment(parent) || ts.isMethodDeclaration(parent)) &&
      parent.name === node)
  );
}
