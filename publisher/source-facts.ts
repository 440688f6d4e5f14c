import * as fs from "node:fs";
import type * as TS from "typescript";
import { classFacts, memberVisibility, scriptKind } from "./class-members";
import { describeParameters, shapeKey, type ParamSpec } from "./parameters";
import { typescript } from "../platform";

/** What a module's source says about its exports, read once per loaded module. */
export interface SourceFacts {
  /** Exported names the module declares itself: never names it imported and passes on. */
  readonly own: ReadonlySet<string>;
  /** Declared parameters (with their TypeScript types) by `shapeKey`; null where two declarations disagree. */
  readonly declarations: ReadonlyMap<string, readonly ParamSpec[] | null>;
  /** Whether `name` on the class instance `obj` is declared `private` or `protected` (see class-members). */
  readonly isHiddenMember: (obj: object, name: string) => boolean;
}

/** Keyed by the module's exports object: a reloaded module has a new one, so new facts. */
const factsByExports = new WeakMap<object, SourceFacts>();

export function sourceFacts(exports: object, file: string): SourceFacts {
  let facts = factsByExports.get(exports);
  if (!facts) {
    facts = analyse(file, fs.readFileSync(file, "utf8"));
    factsByExports.set(exports, facts);
  }
  return facts;
}

/**
 * The rule for "own": a name is own when the module exports a declaration it makes
 * (`export function`, `export class`, `export const x = <not an import>`, `export default`,
 * `export { local }`), or, in CommonJS, assigns `exports.x = <not an import>`. Imported
 * bindings stay imported when passed on: `export { x } from`, `export *`, `import x ...;
 * export { x }`, `export const y = x` or `= x.member` or `= require(...)`.
 */
export function analyse(file: string, source: string): SourceFacts {
  const ts = typescript();
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, scriptKind(ts, file));
  const imported = new Set<string>();
  const locals = new Set<string>();
  const own = new Set<string>();

  const isImportAlias = (e: TS.Expression | undefined): boolean => {
    if (!e) return false;
    while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
    if (ts.isIdentifier(e)) return imported.has(e.text);
    if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) return isImportAlias(e.expression);
    if (ts.isCallExpression(e)) return (ts.isIdentifier(e.expression) && e.expression.text === "require") || e.arguments.some((a) => isImportAlias(a) && ts.isCallExpression(a));
    return false;
  };
  const bindingNames = (name: TS.BindingName, into: (n: string) => void): void => {
    if (ts.isIdentifier(name)) into(name.text);
    else for (const el of name.elements) if (!ts.isOmittedExpression(el)) bindingNames(el.name, into);
  };
  const hasModifier = (node: TS.Node, kind: TS.SyntaxKind): boolean =>
    (ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined)?.some((m) => m.kind === kind) ?? false;

  // Pass 1: what is imported and what is declared at the top level.
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && st.importClause) {
      const c = st.importClause;
      if (c.name) imported.add(c.name.text);
      if (c.namedBindings) {
        if (ts.isNamespaceImport(c.namedBindings)) imported.add(c.namedBindings.name.text);
        else for (const el of c.namedBindings.elements) imported.add(el.name.text);
      }
    } else if (ts.isImportEqualsDeclaration(st)) {
      imported.add(st.name.text);
    } else if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) bindingNames(d.name, (n) => (isImportAlias(d.initializer) ? imported : locals).add(n));
    } else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isEnumDeclaration(st) || ts.isModuleDeclaration(st)) && st.name && ts.isIdentifier(st.name)) {
      locals.add(st.name.text);
    }
  }

  // Pass 2: the exports.
  for (const st of sf.statements) {
    const exported = hasModifier(st, ts.SyntaxKind.ExportKeyword);
    if (exported && (ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st))) {
      own.add(hasModifier(st, ts.SyntaxKind.DefaultKeyword) ? "default" : (st.name?.text ?? "default"));
    } else if (exported && (ts.isEnumDeclaration(st) || ts.isModuleDeclaration(st)) && ts.isIdentifier(st.name)) {
      own.add(st.name.text);
    } else if (exported && ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) if (!isImportAlias(d.initializer)) bindingNames(d.name, (n) => own.add(n));
    } else if (ts.isExportAssignment(st) && !st.isExportEquals) {
      if (!isImportAlias(st.expression)) own.add("default");
    } else if (ts.isExportDeclaration(st) && !st.moduleSpecifier && st.exportClause && ts.isNamedExports(st.exportClause)) {
      for (const el of st.exportClause.elements) {
        const local = (el.propertyName ?? el.name).text;
        if (locals.has(local)) own.add(el.name.text);
      }
    } else if (ts.isExpressionStatement(st)) {
      commonJsExports(ts, st.expression, isImportAlias, locals, own);
    }
  }
  return { own, declarations: declarations(ts, sf), isHiddenMember: memberVisibility(file, classFacts(ts, sf)) };
}

/** `exports.x = ...`, `module.exports.x = ...` and `module.exports = { ... }`. */
function commonJsExports(ts: typeof TS, e: TS.Expression, isImportAlias: (e: TS.Expression | undefined) => boolean, locals: Set<string>, own: Set<string>): void {
  if (!ts.isBinaryExpression(e) || e.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return;
  const target = e.left.getText().replace(/\s+/g, "");
  const member = /^(?:module\.)?exports\.([A-Za-z_$][\w$]*)$/.exec(target);
  if (member) {
    if (!isImportAlias(e.right)) own.add(member[1]);
    return;
  }
  if (target !== "module.exports" || !ts.isObjectLiteralExpression(e.right)) return;
  for (const p of e.right.properties) {
    if (ts.isShorthandPropertyAssignment(p)) {
      if (locals.has(p.name.text)) own.add(p.name.text);
    } else if ((ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p)) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) {
      if (!(ts.isPropertyAssignment(p) && isImportAlias(p.initializer))) own.add(p.name.text);
    }
  }
}

/** Every named function-like declaration in the file, by the name the live function will have. */
function declarations(ts: typeof TS, sf: TS.SourceFile): Map<string, readonly ParamSpec[] | null> {
  const found = new Map<string, readonly ParamSpec[] | null>();
  const add = (name: string, params: readonly TS.ParameterDeclaration[]) => {
    const specs = describeParameters(params);
    const key = shapeKey(name, specs);
    const prev = found.get(key);
    found.set(key, prev === undefined || JSON.stringify(prev) === JSON.stringify(specs) ? specs : null);
  };
  const nameOf = (n: TS.PropertyName | TS.BindingName | undefined): string | undefined =>
    n && (ts.isIdentifier(n) || ts.isStringLiteral(n) || ts.isPrivateIdentifier(n)) ? n.text : undefined;
  const visit = (node: TS.Node): void => {
    if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) && node.body) {
      const name = nameOf(node.name) ?? (ts.isFunctionDeclaration(node) ? "default" : undefined);
      if (name) add(name, node.parameters);
    } else if ((ts.isVariableDeclaration(node) || ts.isPropertyAssignment(node) || ts.isPropertyDeclaration(node)) && node.initializer) {
      const init = node.initializer;
      if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) {
        const name = (ts.isFunctionExpression(init) && init.name?.text) || nameOf(node.name);
        if (name) add(name, init.parameters);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}
