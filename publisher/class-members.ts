import * as fs from "node:fs";
import * as path from "node:path";
import type * as TS from "typescript";
import { resolveImport, typescript } from "../platform";
import { isUserClassPrototype } from "./value-kinds";

/** By class name, then member name: true where TypeScript declares the member `private` or `protected`. */
export type Visibility = Map<string, Map<string, boolean>>;

/** What one source file says about classes: their members' visibility, and the site modules it imports. */
export interface ClassFacts {
  readonly visibility: Visibility;
  /** Relative (or absolute) module specifiers: `import`, `export ... from`, `require()`, `import()`. */
  readonly imports: readonly string[];
}

export function scriptKind(ts: typeof TS, file: string): TS.ScriptKind {
  return /\.[mc]?ts$/.test(path.extname(file)) ? ts.ScriptKind.TS : ts.ScriptKind.JS;
}

/**
 * The instance members of every class the file declares (nested ones too), by the name the
 * compiled class will have: methods, fields, accessors and constructor parameter properties.
 * Static members are left out: a class is never traversed, only its instances.
 */
export function classFacts(ts: typeof TS, sf: TS.SourceFile): ClassFacts {
  const visibility: Visibility = new Map();
  const imports: string[] = [];
  const hidden = (node: TS.Node): boolean =>
    (ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined)?.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword) ?? false;
  const isStatic = (node: TS.Node): boolean =>
    (ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined)?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword) ?? false;
  const memberName = (n: TS.PropertyName | TS.BindingName): string | undefined =>
    ts.isIdentifier(n) || ts.isStringLiteral(n) || ts.isNumericLiteral(n) ? n.text : undefined;
  // The name JavaScript gives an anonymous class expression: its variable's or property's, else "".
  const inferredName = (node: TS.ClassExpression): string => {
    const p = node.parent;
    return (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p)) && p.initializer === node ? (memberName(p.name) ?? "") : "";
  };
  const addClass = (name: string, node: TS.ClassLikeDeclaration) => {
    const members = visibility.get(name) ?? new Map<string, boolean>();
    const add = (n: string | undefined, isHidden: boolean) => {
      // Two classes of one name: hidden wins (the publisher cannot tell them apart).
      if (n !== undefined) members.set(n, (members.get(n) ?? false) || isHidden);
    };
    for (const m of node.members) {
      if (ts.isConstructorDeclaration(m)) {
        for (const p of m.parameters) if (ts.isParameterPropertyDeclaration(p, m)) add(memberName(p.name), hidden(p));
      } else if (m.name && !isStatic(m)) {
        add(memberName(m.name), hidden(m));
      }
    }
    visibility.set(name, members);
  };
  const specifier = (e: TS.Expression | undefined) => {
    if (e && ts.isStringLiteralLike(e) && /^(\.{1,2}\/|\/)/.test(e.text)) imports.push(e.text);
  };
  const visit = (node: TS.Node): void => {
    if (ts.isClassDeclaration(node)) {
      // `export default class {}` compiles to `class default_1 {}`.
      addClass(node.name?.text ?? "default_1", node);
    } else if (ts.isClassExpression(node)) {
      addClass(node.name?.text ?? inferredName(node), node);
    } else if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) {
      specifier(node.moduleSpecifier);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      specifier(node.moduleReference.expression);
    } else if (ts.isCallExpression(node) && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === "require"))) {
      specifier(node.arguments[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { visibility, imports };
}

/**
 * Whether `name`, looked up on `obj`, is a member TypeScript hides: the class of `obj` and
 * the classes it extends are asked in turn, and the first that declares `name` decides (a
 * subclass may make a protected method public). Classes are known from the module's own
 * source and, on first need, from the site modules it imports, transitively.
 */
export function memberVisibility(file: string, own: ClassFacts): (obj: object, name: string) => boolean {
  let all: Visibility | null = null;
  return (obj, name) => {
    for (let proto: object | null = Object.getPrototypeOf(obj); proto !== null && isUserClassPrototype(proto); proto = Object.getPrototypeOf(proto)) {
      all ??= importedVisibility(file, own);
      const declared = all.get((proto.constructor as Function).name)?.get(name);
      if (declared !== undefined) return declared;
    }
    return false;
  };
}

function importedVisibility(file: string, own: ClassFacts): Visibility {
  const ts = typescript();
  const all: Visibility = new Map();
  const seen = new Set<string>([file]);
  const queue: Array<[string, ClassFacts]> = [[file, own]];
  for (let item = queue.shift(); item; item = queue.shift()) {
    const [from, facts] = item;
    for (const [cls, members] of facts.visibility) {
      const into = all.get(cls) ?? new Map<string, boolean>();
      for (const [m, hidden] of members) into.set(m, (into.get(m) ?? false) || hidden);
      all.set(cls, into);
    }
    for (const spec of facts.imports) {
      const dep = resolveImport(from, spec);
      if (!dep || seen.has(dep) || path.extname(dep) === ".json" || dep.split(path.sep).includes("node_modules")) continue;
      seen.add(dep);
      let source: string;
      try {
        source = fs.readFileSync(dep, "utf8");
      } catch {
        continue;
      }
      queue.push([dep, classFacts(ts, ts.createSourceFile(dep, source, ts.ScriptTarget.Latest, true, scriptKind(ts, dep)))]);
    }
  }
  return all;
}
