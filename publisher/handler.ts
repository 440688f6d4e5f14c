import { OK, isThenable, readForm, type FieldStorage, type Request } from "../platform";
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
export function handler(req: Request): number | Promise<number> {
  const target = locateModule(req);
  const exports = req.importModule(target.file);
  const facts = sourceFacts(exports, target.file);
  const resolved = resolveTarget(req, exports, facts, target);
  if (isThenable(resolved)) return Promise.resolve(resolved).then((t) => callTarget(req, target, facts, t));
  return callTarget(req, target, facts, resolved);
}

function callTarget(req: Request, target: ModuleTarget, facts: SourceFacts, { fn, self, methods }: Target): number | Promise<number> {
  checkMethod(req, methods);
  const signature = signatureOf(fn, facts);
  const form = signature.usesForm ? readForm(req) : null;
  if (isThenable(form)) return Promise.resolve(form).then((fields) => call(req, target, signature, fields, fn, self));
  return call(req, target, signature, form, fn, self);
}

function call(req: Request, target: ModuleTarget, signature: Signature, form: FieldStorage | null, fn: Function, self: unknown): number | Promise<number> {
  const args = bindArguments(signature.params, form, req, target);
  const result: unknown = fn.apply(self, args);
  if (isThenable(result)) return Promise.resolve(result).then((value) => send(req, value));
  return send(req, result);
}

function send(req: Request, result: unknown): number | Promise<number> {
  const sending = sendResult(req, result);
  return sending ? sending.then(() => OK) : OK;
}
