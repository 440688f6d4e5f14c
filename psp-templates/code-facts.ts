import type * as TS from "typescript";
import { typescript } from "../platform";

export interface CodeFacts {
  /** Which of the asked-for names the code refers to as plain names. */
  names: Set<string>;
  /** Whether the code awaits outside any nested function, so its function must be async. */
  awaits: boolean;
}

/**
 * What a page's code needs, read once at compile time so renders do not pay for what a page
 * never uses: `form` and `session` are only created for pages naming them (as mod_python looked
 * at `co_names`), and a page without `await` runs as a plain function, without a promise.
 * `req.form` (a property) does not count as naming `form`; a declaration does, which at worst
 * creates an unused object. A direct `eval` can reach any name, so it counts as naming them all.
 */
export function codeFacts(body: string, names: readonly string[]): CodeFacts {
  const wanted = new Set(names);
  const found = new Set<string>();
  let awaits = false;
  const ts = typescript();
  const file = ts.createSourceFile("page.js", `async function page() {\n${body}\n}`, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const visit = (node: TS.Node, nested: boolean): void => {
    if (ts.isIdentifier(node) && !isPropertyName(node)) {
      if (wanted.has(node.text)) found.add(node.text);
      if (node.text === "eval") names.forEach((name) => found.add(name));
    }
    if (!nested && (ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier))) awaits = true;
    const inner = nested || ts.isFunctionLike(node);
    ts.forEachChild(node, (child) => visit(child, inner));
  };
  // The wrapper function itself is not nested: start inside its body.
  const [page] = file.statements;
  ts.forEachChild(page, (child) => visit(child, false));
  return { names: found, awaits };
}

function isPropertyName(node: TS.Identifier): boolean {
  const ts = typescript();
  const parent = node.parent;
  return (
    ((ts.isPropertyAccessExpression(parent) || ts.isPropertyAssignment(parent) || ts.isMethodDeclaration(parent)) &&
      parent.name === node)
  );
}
