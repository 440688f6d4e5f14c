import { ErrorCode, TsmodError, type FieldStorage, type Request } from "../platform";
import { REQUEST_PARAMETER, type ArrayMode, type FieldSpec, type ParamSpec } from "./parameters";

/**
 * The arguments for a call: fields matched to parameter names, the request for `req`, all
 * fields for a destructured object or a rest parameter. Fields no parameter names are
 * ignored. Every required field that is absent is named in one 400.
 */
export function bindArguments(params: readonly ParamSpec[], form: FieldStorage | null, req: Request, callee: string): unknown[] {
  const missing: string[] = [];
  const valueFor = (field: FieldSpec): unknown => {
    const values = form?.getlist(field.name) ?? [];
    if (values.length === 0) {
      if (field.required) missing.push(field.name);
      return undefined;
    }
    return pick(values, field.array);
  };
  const args: unknown[] = [];
  for (const p of params) {
    switch (p.kind) {
      case "req":
        args.push(req);
        break;
      case "field":
        args.push(valueFor(p.field));
        break;
      case "fields": {
        const named = new Map(p.named.map((f) => [f.name, f]));
        const entries: [string, unknown][] = [];
        for (const f of p.named) {
          const v = f.name === REQUEST_PARAMETER ? req : valueFor(f);
          if (v !== undefined) entries.push([f.name, v]);
        }
        for (const name of form?.keys() ?? []) if (!named.has(name)) entries.push([name, pick(form!.getlist(name), "when-repeated")]);
        // fromEntries defines properties, so a field named `__proto__` is just a field.
        args.push(Object.fromEntries(entries));
        break;
      }
      case "rest":
        args.push(Object.fromEntries((form?.keys() ?? []).map((name) => [name, pick(form!.getlist(name), "when-repeated")])));
        break;
      case "unbindable":
        throw new TsmodError(ErrorCode.PUBLISHER_UNBINDABLE, `${callee}: the publisher cannot fill the parameter ${p.text}`);
    }
  }
  if (missing.length > 0) {
    throw new TsmodError(ErrorCode.PUBLISHER_MISSING_ARGUMENT, `missing required parameter${missing.length > 1 ? "s" : ""}: ${missing.join(", ")}`, 400);
  }
  return args;
}

function pick(values: unknown[], mode: ArrayMode): unknown {
  if (mode === "always" || (mode === "when-repeated" && values.length > 1)) return values;
  return values[0];
}
