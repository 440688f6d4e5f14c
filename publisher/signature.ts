import { parametersOfFunction } from "../platform";
import { describeParameters, shapeKey, type ParamSpec } from "./parameters";
import type { SourceFacts } from "./source-facts";

export interface Signature {
  readonly params: readonly ParamSpec[];
  /** False when only `req` is taken: then the body is left for the function to read. */
  readonly usesForm: boolean;
}

const signatures = new WeakMap<Function, Signature>();

/**
 * How to call `fn`: its parameters as the TypeScript parser reads them from its compiled
 * source, completed with what its declaration in the module's TypeScript source adds (`?`,
 * array types) when one with the same name and parameter names exists. Cached per function.
 */
export function signatureOf(fn: Function, facts: SourceFacts): Signature {
  let sig = signatures.get(fn);
  if (!sig) {
    const compiled = describeParameters(parametersOfFunction(fn));
    const declared = facts.declarations.get(shapeKey(fn.name, compiled));
    const params = declared ?? compiled;
    sig = { params, usesForm: params.some((p) => p.kind !== "req") };
    signatures.set(fn, sig);
  }
  return sig;
}
