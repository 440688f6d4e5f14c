import { ErrorCode, TsmodError, type FieldStorage, type Request } from "../platform";
import type { ModuleTarget } from "./locate-module";
import { REQUEST_PARAMETER, type ArrayMode, type FieldSpec, type ParamSpec } from "./parameters";

/**
 * The arguments for a call: fields matched to parameter names, the request for `req`, all
 * fields for a destructured object or a rest parameter. Fields no parameter names are
 * ignored. Every required field that is absent is named in one 400.
 */
export function bindArguments(params: readonly ParamSpec[], form: FieldStorage | null, req: Request, target: ModuleTarget): unknown[] {
  let missing: string[] | null = null;
  const args: unknown[] = [];
  for (const p of params) {
    switch (p.kind) {
      case "req":
        args.push(req);
        break;
      case "field": {
        const v = fieldValue(form, p.field);
        if (v === undefined && p.field.required) (missing ??= []).push(p.field.name);
        args.push(v);
        break;
      }
      case "fields": {
        const named = new Map(p.named.map((f) => [f.name, f]));
        const entries: [string, unknown][] = [];
        for (const f of p.named) {
          const v = f.name === REQUEST_PARAMETER ? req : fieldValue(form, f);
          if (v !== undefined) entries.push([f.name, v]);
          else if (f.required) (missing ??= []).push(f.name);
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
        throw new TsmodError(ErrorCode.PUBLISHER_UNBINDABLE, `${target.label}: ${target.names.join("/")}: the publisher cannot fill the parameter ${p.text}`);
    }
  }
  if (missing) {
    throw new TsmodError(ErrorCode.PUBLISHER_MISSING_ARGUMENT, `missing required parameter${missing.length > 1 ? "s" : ""}: ${missing.join(", ")}`, 400);
  }
  return args;
}

/** A field's value as the parameter takes it, or `undefined` when the form has none. */
function fieldValue(form: FieldStorage | null, field: FieldSpec): unknown {
  if (!form) return undefined;
  // A single value needs no copy of the list.
  if (field.array === "never") return form.getfirst(field.name);
  const values = form.getlist(field.name);
  return values.length === 0 ? undefined : pick(values, field.array);
}

function pick(values: unknown[], mode: ArrayMode): unknown {
  if (mode === "always" || (mode === "when-repeated" && values.length > 1)) return values;
  return values[0];
}
