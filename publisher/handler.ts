import { OK, isThenable, type Request } from "../platform";
import { bindArguments } from "./bind-arguments";
import { locateModule } from "./locate-module";
import { checkMethod } from "./methods";
import { resolveTarget } from "./resolve-target";
import { sendResult } from "./send-result";
import { signatureOf } from "./signature";
import { sourceFacts } from "./source-facts";

/**
 * `TsHandler tsmod/publisher`: calls the exported function a URL names
 * (`/dir/module/func?arg=...`) with the request's fields as its arguments, and sends what it
 * returns. Modules load through the request's interpreter registry, like handler modules.
 */
export async function handler(req: Request): Promise<number> {
  const target = locateModule(req);
  const exports = req.importModule(target.file);
  const facts = sourceFacts(exports, target.file);
  const { fn, self, methods } = await resolveTarget(req, exports, facts, target);
  checkMethod(req, methods);
  const signature = signatureOf(fn, facts);
  const form = signature.usesForm ? await req.form() : null;
  const args = bindArguments(signature.params, form, req, `${target.label}: ${target.names.join("/")}`);
  // Awaited only when it is a promise: most published functions answer at once.
  let result: unknown = fn.apply(self, args);
  if (isThenable(result)) result = await result;
  await sendResult(req, result);
  return OK;
}
