import { isIP } from "node:net";
import { OR_ALL, type DirectiveDef } from "./directive-def";

/** `10.1.2.3`, `10.1` (whole leading octets), `10.0.0.0/8`, `::1`, `fe80::/10`. */
function validIpSpec(spec: string): boolean {
  const [addr, bits, extra] = spec.split("/");
  if (extra !== undefined) return false;
  const family = isIP(addr);
  if (bits !== undefined) return family !== 0 && /^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32);
  return family !== 0 || /^\d{1,3}(\.\d{1,3}){0,2}\.?$/.test(addr);
}

/** Require forms tsmod evaluates itself; anything else is refused at load time. */
const REQUIRE_KINDS = new Set(["all", "valid-user", "user", "group", "ip"]);

export const authDirectives: DirectiveDef[] = [
  {
    name: "AuthType",
    contexts: OR_ALL,
    minArgs: 1,
    maxArgs: 1,
    apply(ctx, [type]) {
      ctx.dir.authType = type.toLowerCase() === "none" ? "" : type;
    },
  },
  {
    name: "AuthName",
    contexts: OR_ALL,
    minArgs: 1,
    maxArgs: 1,
    apply(ctx, [name]) {
      ctx.dir.authName = name;
    },
  },
  {
    name: "Require",
    contexts: OR_ALL,
    minArgs: 1,
    maxArgs: Infinity,
    apply(ctx, words) {
      const kind = words[0].toLowerCase();
      if (!REQUIRE_KINDS.has(kind)) {
        throw new Error(`Require: unsupported form '${words[0]}' (use all, valid-user, user, group or ip)`);
      }
      if (kind === "all" && (words.length !== 2 || !/^(granted|denied)$/i.test(words[1]))) {
        throw new Error("Require all takes 'granted' or 'denied'");
      }
      if ((kind === "user" || kind === "group" || kind === "ip") && words.length < 2) {
        throw new Error(`Require ${kind} needs at least one name`);
      }
      if (kind === "ip") {
        const bad = words.slice(1).find((w) => !validIpSpec(w));
        if (bad) throw new Error(`ip '${bad}' is not an address, a network prefix or a CIDR range`);
      }
      const line = [kind, ...words.slice(1)];
      // Lines of one section accumulate (Apache's implicit RequireAny); a section that
      // names its own replaces the inherited ones.
      ctx.dir.requires = ctx.dir.requires ? [...ctx.dir.requires, line] : [line];
    },
  },
];
