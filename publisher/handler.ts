import { OK, andThen, readForm, type FieldStorage, type MaybePromise, type Request } from "../platform";
import { bindArguments } from "./bind-arguments";
import { locateModule, type ModuleTarget } from "./locate-module";
import { checkMethod } from "./methods";
import { resolveTarget, type Target } from "./resolve-target";
import { sendResult } from "./send-result";
import { signatureOf, type Signature } from "./signature";
import { sourceFacts, type SourceFacts } from "./source-facts";

/**
 * `TsHandler tsmod/publisher`: calls the exported function a URL names
 * (`/dir/module/func?arg=...`) with the request's fields as its arguments, and sends what it
 * returns. Modules load through the request's interpreter registry, like handler modules.
 * Nothing is awaited that need not be: a GET of a function that answers at once, with no
 * auth hook that waits, is answered without a promise.
 */
export function handler(req: Request): MaybePromise<number> {
  const target = locateModule(req);
  const exports = req.importModule(target.file);
  const facts = sourceFacts(exports, target.file);
  return andThen(resolveTarget(req, exports, facts, target), (t) => callTarget(req, target, facts, t));
}

function callTarget(req: Request, target: ModuleTarget, facts: SourceFacts, { fn, self, methods }: Target): MaybePromise<number> {
  checkMethod(req, methods);
  const signature = signatureOf(fn, facts);
  return andThen(signature.usesForm ? readForm(req) : null, (form) => call(req, target, signature, form, fn, self));
}

function call(req: Request, target: ModuleTarget, signature: Signature, form: FieldStorage | null, fn: Function, self: unknown): MaybePromise<number> {
  const args = bindArguments(signature.params, form, req, target);
  // What the published function returns: any value, or a promise (maybe another realm's) of one.
  return andThen<unknown, number>(fn.apply(self, args), (value) => send(req, value));
}

function send(req: Request, result: unknown): MaybePromise<number> {
  return andThen(sendResult(req, result), () => OK);
}
