import { ConfigRegex, appendList, directive, mergeMaps } from "../config";

/** mod_env's table: a value to set, or null to unset; an inner place's entry wins per name. */
export type EnvTable = ReadonlyMap<string, string | null>;

/** `SetEnv VAR [VALUE]`: VALUE may be empty (Apache sets the variable to ""). */
export const SetEnv = directive<EnvTable>({
  name: "SetEnv",
  context: "both",
  args: [1, 2],
  parse: ([name, value = ""]) => new Map([[name, value]]),
  combine: mergeMaps,
  merge: mergeMaps,
});

/** `PassEnv VAR...`: the server process's value, read when the configuration loads (as Apache). */
export const PassEnv = directive<EnvTable>({
  name: "PassEnv",
  context: "both",
  args: [1, Infinity],
  parse(names) {
    return new Map(
      names.map((name) => {
        const value = process.env[name];
        if (value === undefined) throw new Error(`the environment variable ${name} is not set in the server's environment`);
        return [name, value];
      }),
    );
  },
  shares: SetEnv,
});

export const UnsetEnv = directive<EnvTable>({
  name: "UnsetEnv",
  context: "both",
  args: [1, Infinity],
  parse: (names) => new Map(names.map((n) => [n, null])),
  shares: SetEnv,
});

/** What a `SetEnvIf` line matches against. */
export type EnvAttribute =
  | { readonly kind: "special"; readonly name: "Remote_Host" | "Remote_Addr" | "Server_Addr" | "Request_Method" | "Request_Protocol" | "Request_URI" }
  /** A request header (case-insensitive), else a variable set earlier. */
  | { readonly kind: "header"; readonly name: string }
  /** A regular expression over the request's header names (Apache: any attribute that is not a plain name). */
  | { readonly kind: "headerRegex"; readonly regex: ConfigRegex };

export interface EnvAction {
  readonly name: string;
  /** null: `!name` unsets it. May hold `$1`..`$9`. */
  readonly value: string | null;
}

export interface SetEnvIfRule {
  readonly attribute: EnvAttribute;
  readonly regex: ConfigRegex;
  readonly actions: readonly EnvAction[];
  /** Written in a section: runs at header parsing, with the request's sections known; else at post-read. */
  readonly inSection: boolean;
}

const SPECIAL = ["Remote_Host", "Remote_Addr", "Server_Addr", "Request_Method", "Request_Protocol", "Request_URI"] as const;

function parseAttribute(text: string): EnvAttribute {
  const special = SPECIAL.find((s) => s.toLowerCase() === text.toLowerCase());
  if (special) return { kind: "special", name: special };
  if (/^[\w-]+$/.test(text)) return { kind: "header", name: text };
  return { kind: "headerRegex", regex: ConfigRegex.compile("SetEnvIf attribute", text, { ignoreCase: true }) };
}

function parseAction(text: string): EnvAction {
  if (text.startsWith("!")) return { name: text.slice(1), value: null };
  const eq = text.indexOf("=");
  const action = eq < 0 ? { name: text, value: "1" } : { name: text.slice(0, eq), value: text.slice(eq + 1) };
  if (!action.name) throw new Error(`'${text}' names no variable`);
  return action;
}

/** SetEnvIf / SetEnvIfNoCase / BrowserMatch(NoCase): outer places' rules run first (Apache appends). */
function setEnvIfDirective(name: string, caseless: boolean, fixedAttribute: string | null) {
  return directive<SetEnvIfRule[]>({
    name,
    context: "both",
    args: fixedAttribute ? [2, Infinity] : [3, Infinity],
    parse(args, where) {
      const [attribute, pattern, ...actions] = fixedAttribute ? [fixedAttribute, ...args] : args;
      return [
        {
          attribute: parseAttribute(attribute),
          regex: ConfigRegex.compile(name, pattern, { ignoreCase: caseless }),
          actions: actions.map(parseAction),
          inSection: where.section !== null,
        },
      ];
    },
    combine: appendList,
    merge: appendList,
  });
}

export const SetEnvIf = setEnvIfDirective("SetEnvIf", false, null);
export const SetEnvIfNoCase = { ...setEnvIfDirective("SetEnvIfNoCase", true, null), shares: SetEnvIf };
export const BrowserMatch = { ...setEnvIfDirective("BrowserMatch", false, "User-Agent"), shares: SetEnvIf };
export const BrowserMatchNoCase = { ...setEnvIfDirective("BrowserMatchNoCase", true, "User-Agent"), shares: SetEnvIf };
