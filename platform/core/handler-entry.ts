import type { Where } from "../config";

/** One handler named by a `Ts*Handler` directive (or added at run time with `req.addHandler`). */
export interface HandlerEntry {
  /** Module name as written: `app/auth`, `tests`, `tsmod/publisher`, `@acme/tsmod-ldap`. */
  readonly module: string;
  /** Explicit `::function` (may be dotted), or null for the phase's default name. */
  readonly func: string | null;
  /** Folder the module is resolved against first (with a trailing `/`), or null. */
  readonly directory: string | null;
  readonly isLocation: boolean;
  /** From `TsHandlerModule`: a missing function is skipped instead of being an error. */
  readonly silent: boolean;
  /** Where the configuration names it (null for `req.addHandler`), for load-time errors. */
  readonly file: string | null;
  readonly line: number;
}

/** `module::fn.attr` → parts; rejects empty names. */
export function parseHandlerSpec(spec: string): { module: string; func: string | null } {
  const sep = spec.indexOf("::");
  const module = sep < 0 ? spec : spec.slice(0, sep);
  const func = sep < 0 ? null : spec.slice(sep + 2);
  if (!module || /\s/.test(module)) throw new Error(`invalid handler '${spec}': empty module name`);
  if (func !== null && !/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(func)) {
    throw new Error(`invalid handler '${spec}': '${func}' is not a function name`);
  }
  return { module, func };
}

/** The entry a configuration line names. */
export function handlerEntry(where: Where, spec: string, silent: boolean): HandlerEntry {
  const { module, func } = parseHandlerSpec(spec);
  return { module, func, directory: where.handlerDirectory, isLocation: where.section?.kind === "location", silent, file: where.file, line: where.line };
}
