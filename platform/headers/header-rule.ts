import { ConfigRegex } from "../config";

export type HeaderAction = "set" | "append" | "add" | "unset" | "merge" | "echo" | "setifempty" | "edit" | "edit*";

/** One `Header` or `RequestHeader` line (mod_headers). */
export interface HeaderRule {
  /** `RequestHeader ... early`: applied when the request is read, before its sections are known. */
  readonly early: boolean;
  /** `always`: acts on errHeadersOut and applies to error responses too. */
  readonly always: boolean;
  readonly action: HeaderAction;
  readonly name: string;
  /** For `echo`: the request headers to copy; for `edit`: the pattern. */
  readonly pattern: ConfigRegex | null;
  /** Value template (`%{VAR}e`, `%t`, `%D`, `%%`) or the edit replacement. */
  readonly value: string;
  /** `env=[!]VAR`: applies only when the variable is (not) set in subprocessEnv. */
  readonly env: { readonly name: string; readonly negate: boolean } | null;
}

const ACTIONS: ReadonlySet<string> = new Set<HeaderAction>(["set", "append", "add", "unset", "merge", "echo", "setifempty", "edit", "edit*"]);
const NEEDS_VALUE: ReadonlySet<string> = new Set(["set", "append", "add", "merge", "setifempty"]);

/** mod_headers value specifiers tsmod supports: `%%`, `%t`, `%D`, `%{VAR}e`, `%{VAR}s`. */
const SPECIFIER = /%(?:%|t|D|\{[^}]*\}e|\{(?:REMOTE_USER|AUTH_TYPE|REMOTE_ADDR)\}s)/g;

/** What a directive's line may hold: `Header` takes a condition first, `RequestHeader` `early` last. */
const FORMS = {
  Header: { actions: ACTIONS, conditions: true, early: false },
  RequestHeader: { actions: new Set(["set", "append", "add", "unset", "merge", "setifempty", "edit", "edit*"]), conditions: false, early: true },
};

/**
 * Parses `Header [always|onsuccess] action name [value|pattern [replacement]] [env=[!]VAR]` or
 * `RequestHeader action name [value|pattern [replacement]] [early|env=[!]VAR]` (mod_headers
 * syntax). Throws with a message for the config error.
 */
export function parseHeaderRule(args: string[], directive: keyof typeof FORMS = "Header"): HeaderRule {
  const form = FORMS[directive];
  const words = [...args];
  let always = false;
  const condition = words[0]?.toLowerCase();
  if (form.conditions && (condition === "always" || condition === "onsuccess")) {
    always = condition === "always";
    words.shift();
  }
  const actionWord = (words.shift() ?? "").toLowerCase();
  if (!form.actions.has(actionWord)) {
    throw new Error(`${directive}: unknown action '${actionWord}' (one of ${[...form.actions].join(", ")})`);
  }
  const action = actionWord as HeaderAction;
  const name = words.shift();
  if (!name) throw new Error(`${directive} ${action} needs a header name`);
  let env: HeaderRule["env"] = null;
  let early = false;
  const last = words[words.length - 1];
  if (last !== undefined && /^(env|expr)=|^early$/i.test(last)) {
    words.pop();
    const m = /^env=(!?)(.+)$/i.exec(last);
    if (form.early && last.toLowerCase() === "early") early = true;
    else if (!m) throw new Error(`${directive}: the condition '${last}' is not supported (only ${form.early ? "early or " : ""}env=[!]VARIABLE)`);
    else env = { name: m[2], negate: m[1] === "!" };
  }
  let pattern: ConfigRegex | null = null;
  let value = "";
  if (action === "edit" || action === "edit*") {
    if (words.length !== 2) throw new Error(`${directive} ${action} takes a header name, a regular expression and a replacement`);
    pattern = ConfigRegex.compile(directive, words[0]);
    value = words[1];
  } else if (action === "echo") {
    if (words.length !== 0) throw new Error("Header echo takes only a header name or regular expression");
    // Apache matches the name as an unanchored regular expression; header names ignore case.
    pattern = ConfigRegex.compile("Header", name, { ignoreCase: true });
  } else if (NEEDS_VALUE.has(action)) {
    if (words.length !== 1) throw new Error(`${directive} ${action} takes a header name and one value`);
    value = words[0];
    const rest = value.replace(SPECIFIER, "");
    const bad = /%(\{[^}]*\}.|.)?/.exec(rest);
    if (bad) throw new Error(`${directive}: unsupported format specifier '${bad[0]}' in '${value}' (use %%, %t, %D, %{VAR}e, %{REMOTE_USER}s, %{AUTH_TYPE}s or %{REMOTE_ADDR}s)`);
  } else if (words.length !== 0) {
    throw new Error(`${directive} ${action} takes only a header name`);
  }
  return { early, always, action, name, pattern, value, env };
}
