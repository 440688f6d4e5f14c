import { ErrorCode, HTTP_METHOD_NOT_ALLOWED, ServerReturn, TsmodError, type Request } from "../platform";
import { hookOf } from "./auth-hooks";

/** mod_python's publisher allows these and nothing else. */
const DEFAULT_METHODS: readonly string[] = ["GET", "HEAD", "POST"];

/**
 * The methods a module, object or function declares with `__methods__` (a list of names;
 * HEAD is implied by GET), or null when it declares none.
 */
export function declaredMethods(holder: unknown, isModule: boolean): readonly string[] | null {
  const declared = hookOf(holder, "__methods__", isModule);
  if (declared === undefined) return null;
  if (!Array.isArray(declared) || !declared.every((m) => typeof m === "string")) {
    throw new TsmodError(ErrorCode.PUBLISHER_BAD_HOOK, "__methods__ must be a list of method names, e.g. [\"GET\", \"POST\"]");
  }
  const methods = declared.map((m: string) => m.toUpperCase());
  if (methods.includes("GET") && !methods.includes("HEAD")) methods.push("HEAD");
  return methods;
}

/** 405 with `Allow` for a method the target does not take (the innermost `__methods__` decides). */
export function checkMethod(req: Request, declared: readonly string[] | null): void {
  const allowed = declared ?? DEFAULT_METHODS;
  if (allowed.includes(req.method)) return;
  req.allowMethods(allowed, true);
  req.errHeadersOut.set("Allow", allowed.join(", "));
  throw new ServerReturn(HTTP_METHOD_NOT_ALLOWED);
}
