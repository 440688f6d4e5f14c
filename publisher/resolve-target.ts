import { andThen, type MaybePromise, type Request } from "../platform";
import { checkAuth, newAuthState, type AuthState } from "./auth-hooks";
import type { ModuleTarget } from "./locate-module";
import { declaredMethods } from "./methods";
import { enforce } from "./security-rules";
import type { SourceFacts } from "./source-facts";
import { callableOf, lookupMember } from "./value-kinds";

/** What a URL resolved to: the function to call, its `this`, and the methods it takes. */
export interface Target {
  readonly fn: Function;
  readonly self: unknown;
  readonly methods: readonly string[] | null;
}

/** How far the walk has come: what it reached, what holds it, and the methods in force. */
interface Walk {
  value: unknown;
  container: unknown;
  methods: readonly string[] | null;
}

/**
 * Walks the URL's names from the module's exports (mod_python's `resolve_object`): every
 * step passes the security rules, then the auth hooks of what it reached (the module's
 * first). The innermost `__methods__` on the way wins. Without hooks that wait, no promise.
 */
export function resolveTarget(req: Request, exports: Record<string, unknown>, facts: SourceFacts, target: ModuleTarget): MaybePromise<Target> {
  const auth = newAuthState();
  const walk: Walk = { value: exports, container: undefined, methods: declaredMethods(exports, true) };
  const moduleHooks = checkAuth(req, exports, true, auth);
  if (moduleHooks) return moduleHooks.then(() => walkFrom(req, exports, facts, target, auth, walk, 0));
  return walkFrom(req, exports, facts, target, auth, walk, 0);
}

function walkFrom(req: Request, exports: Record<string, unknown>, facts: SourceFacts, target: ModuleTarget, auth: AuthState, walk: Walk, first: number): MaybePromise<Target> {
  const { names } = target;
  for (let i = first; i < names.length; i++) {
    const name = names[i];
    // Built only for a refusal's log line.
    const what = () => `${target.label}: ${names.slice(0, i + 1).join("/")}`;
    enforce(req, "name", name, what);
    walk.container = walk.value;
    if (i === 0) {
      const published = () => ({ name, names: Object.keys(exports).filter((k) => facts.own.has(k) && !k.startsWith("_")) });
      enforce(req, "export", { exported: Object.hasOwn(exports, name), own: facts.own.has(name) }, what, published);
      walk.value = exports[name];
    } else {
      const member = lookupMember(walk.container as object, name);
      const members = () => ({ name, names: Object.keys(walk.container as object).filter((k) => !k.startsWith("_")) });
      enforce(req, "member", { found: member, hidden: member !== null && facts.isHiddenMember(walk.container as object, name) }, what, members);
      walk.value = member?.kind === "data" ? member.value : undefined;
    }
    enforce(req, i < names.length - 1 ? "traverse" : "publish", walk.value, what);
    const hooks = checkAuth(req, walk.value, false, auth);
    walk.methods = declaredMethods(walk.value, false) ?? walk.methods;
    if (hooks) return hooks.then(() => walkFrom(req, exports, facts, target, auth, walk, i + 1));
  }
  const callable = callableOf(walk.value)!;
  if (callable.fn === walk.value) return { fn: callable.fn, self: names.length > 1 ? walk.container : undefined, methods: walk.methods };
  // A callable object: its `__call__` is published, with hooks and methods of its own.
  enforce(req, "publish", callable.fn, () => `${target.label}: ${names.join("/")}/__call__`);
  const hooks = checkAuth(req, callable.fn, false, auth);
  const reached: Target = { fn: callable.fn, self: walk.value, methods: declaredMethods(callable.fn, false) ?? walk.methods };
  return andThen(hooks, () => reached);
}
