import { directive, type DirectiveSpec } from "../config";

/** The directives of the process as an operating-system service: its PID file and the user it runs as. */

export const PidFile = directive<string>({ name: "PidFile", context: "main", args: 1, parse: ([file], where) => where.resolvePath(file) });

/** A user or group by name, or by number as `#1000` (Apache's form). */
function account(name: string) {
  return directive<string>({
    name,
    context: "main",
    args: 1,
    parse([value]) {
      if (!/^(#\d+|[A-Za-z_][\w.-]*\$?)$/.test(value)) throw new Error(`'${value}' is not a ${name.toLowerCase()} name or #number`);
      return value;
    },
  });
}

export const User = account("User");
export const Group = account("Group");

export type CanonicalName = "on" | "off" | "dns";

/** `UseCanonicalName On|Off|DNS`: whether self-referential URLs name ServerName or what the client asked for. */
export const UseCanonicalName = directive<CanonicalName>({
  name: "UseCanonicalName",
  context: "server",
  args: 1,
  parse([value]) {
    const v = value.toLowerCase();
    if (v !== "on" && v !== "off" && v !== "dns") throw new Error(`takes On, Off or DNS, not '${value}'`);
    return v;
  },
});

export const PROCESS_DIRECTIVES: readonly DirectiveSpec<any>[] = [PidFile, User, Group, UseCanonicalName];
