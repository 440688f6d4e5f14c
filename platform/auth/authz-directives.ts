import { LineError, flagArg, type DirectiveSpec, type NestedLine } from "../config";
import { coreDirectives, methodArg, type AuthMerging, type MethodScope, type RequireContainer, type RequireNode, type RequireRules } from "../core";

/**
 * mod_authz_core's containers and `<Limit>`: block directives whose lines are `Require` lines and
 * further containers; each stores into `Require`'s value, so a place's rules stay one tree.
 */

const { Require } = coreDirectives;

/** The nodes of the Require lines and containers inside a block; anything else is refused at its line. */
function nestedNodes(block: string, nested: readonly NestedLine[]): { node: RequireNode; line: NestedLine }[] {
  return nested.flatMap((line) => {
    if ((line.spec.shares ?? line.spec) !== Require || line.spec === AuthMergingDirective) {
      throw new LineError(line.where, `${line.spec.name} is not allowed inside <${block}> (only Require lines and <Require*> containers)`);
    }
    return (line.value as RequireRules).nodes.map((node) => ({ node, line }));
  });
}

/** Whether a container can ever grant: a requirement that is not negated, after De Morgan. */
function canGrant(type: "all" | "any", children: readonly RequireNode[]): boolean {
  return children.some((c) => (c.type === "require" || c.type === type || !c.negate ? !c.negate : c.children.some((g) => g.negate)));
}

function container(name: string, type: "all" | "any", negate: boolean): DirectiveSpec<RequireRules> {
  return {
    name,
    context: "both",
    args: 0,
    block: true,
    shares: Require,
    parse(_args, where, nested) {
      const label = `<${name}>`;
      const children = nestedNodes(name, nested);
      if (children.length === 0) throw new Error(`${label} contains no authorization directives`);
      for (const { node, line } of children) {
        // In a RequireAny (or RequireNone) a negation could only ever be neutral or deny.
        if (type === "any" && node.negate) throw new LineError(line.where, `a negative requirement has no effect inside ${label}`);
      }
      const nodes = children.map((c) => c.node);
      if (!canGrant(type, nodes)) throw new Error(`${label} contains only negative authorization directives`);
      if (negate && (where.inside === null || /^(RequireAny|RequireNone|Limit|LimitExcept)$/.test(where.inside))) {
        throw new Error(`${label} has no effect inside ${where.inside ? `<${where.inside}>` : "a section's implicit <RequireAny>"}: put it in <RequireAll> with a requirement that can grant`);
      }
      const node: RequireContainer = { type, negate, children: nodes, label };
      return { nodes: [node] };
    },
  };
}

export const RequireAll = container("RequireAll", "all", false);
export const RequireAny = container("RequireAny", "any", false);
export const RequireNone = container("RequireNone", "any", true);

/** The requirements inside, each scoped to the methods (a container through its requirements). */
function scoped(node: RequireNode, scope: MethodScope): RequireNode {
  return node.type === "require" ? { ...node, scope } : { ...node, children: node.children.map((c) => scoped(c, scope)) };
}

function limit(name: string, except: boolean): DirectiveSpec<RequireRules> {
  return {
    name,
    context: "both",
    args: [1, Infinity],
    block: true,
    shares: Require,
    parse(args, where, nested) {
      if (where.inside !== null) throw new Error(`<${name}> is not allowed inside <${where.inside}>`);
      const methods = new Set(args.map(methodArg));
      // Apache treats HEAD as GET: `<Limit GET>` covers HEAD too.
      if (methods.has("GET")) methods.add("HEAD");
      const children = nestedNodes(name, nested);
      for (const { node, line } of children) {
        if (node.negate) throw new LineError(line.where, `a negative requirement has no effect inside <${name}> (Apache's implicit <RequireAny>)`);
      }
      return { nodes: children.map((c) => scoped(c.node, { methods, except })) };
    },
  };
}

export const Limit = limit("Limit", false);
export const LimitExcept = limit("LimitExcept", true);

const AuthMergingDirective: DirectiveSpec<RequireRules> = {
  name: "AuthMerging",
  context: "both",
  args: 1,
  shares: Require,
  parse([value]) {
    const merging = value.toLowerCase();
    if (merging !== "off" && merging !== "and" && merging !== "or") throw new Error(`AuthMerging takes Off, And or Or, not '${value}'`);
    return { nodes: [], merging: merging as AuthMerging };
  },
};
export { AuthMergingDirective as AuthMerging };

/** `AuthzSendForbiddenOnFailure On`: 403 instead of 401 when an authenticated user is refused. */
export const AuthzSendForbiddenOnFailure: DirectiveSpec<boolean> = {
  name: "AuthzSendForbiddenOnFailure",
  context: "both",
  args: 1,
  parse: ([v]) => flagArg("AuthzSendForbiddenOnFailure", v),
};

export const AUTHZ_DIRECTIVES = [RequireAll, RequireAny, RequireNone, Limit, LimitExcept, AuthMergingDirective, AuthzSendForbiddenOnFailure];
