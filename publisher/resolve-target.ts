import type { Request } from "../platform";
import { checkAuth, newAuthState } from "./auth-hooks";
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

/**
 * Walks the URL's names from the module's exports (mod_python's `resolve_object`): every
 * step passes the security rules, then the auth hooks of what it reached (the module's
 * first). The innermost `__methods__` on the way wins.
 */
export async function resolveTarget(req: Request, exports: Record<string, unknown>, facts: SourceFacts, target: ModuleTarget): Promise<Target> {
  const auth = newAuthState();
  const moduleHooks = checkAuth(req, exports, true, auth);
  if (moduleHooks) await moduleHooks;
  let methods = declaredMethods(exports, true);
  let container: unknown = undefined;
  let value: unknown = exports;
  const { names } = target;
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    // Built only for a refusal's log line.
    const what = () => `${target.label}: ${names.slice(0, i + 1).join("/")}`;
    enforce(req, "name", name, what);
    container = value;
    if (i === 0) {
      enforce(req, "export", { exported: Object.hasOwn(exports, name), own: facts.own.has(name) }, what);
      value = exports[name];
    } else {
      const member = lookupMember(container as object, name);
      enforce(req, "member", member, what);
      value = member?.kind === "data" ? member.value : undefined;
    }
    enforce(req, i < names.length - 1 ? "traverse" : "publish", value, what);
    const hooks = checkAuth(req, value, false, auth);
    if (hooks) await hooks;
    methods = declaredMethods(value, false) ?? methods;
  }
  const callable = callableOf(value)!;
  if (callable.fn !== value) {
    enforce(req, "publish", callable.fn, () => `${target.label}: ${names.join("/")}/__call__`);
    const hooks = checkAuth(req, callable.fn, false, auth);
    if (hooks) await hooks;
    methods = declaredMethods(callable.fn, false) ?? methods;
    return { fn: callable.fn, self: value, methods };
  }
  return { fn: callable.fn, self: names.length > 1 ? container : undefined, methods };
}
