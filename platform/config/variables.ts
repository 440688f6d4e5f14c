/** `${NAME}` where NAME is a plain name; `${map:key}` (RewriteMap's form) is left alone. */
const REFERENCE = /\$\{([A-Za-z_][\w.-]*)\}/g;
const NAME = /^[A-Za-z_][\w.-]*$/;

/**
 * Apache's configuration variables: `Define NAME VALUE` (or `-D NAME`) and `${NAME}` in any
 * argument, falling back to the process environment as Apache does. An undefined name is an
 * error here, not Apache's warning: a path or host that silently keeps `${...}` fails later.
 */
export class ConfigVariables {
  private readonly values = new Map<string, string>();

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  /** Throws for a malformed name. */
  define(name: string, value: string): void {
    if (!NAME.test(name)) throw new Error(`'${name}' is not a variable name (letters, digits, '_', '.', '-')`);
    this.values.set(name, value);
  }

  undefine(name: string): void {
    this.values.delete(name);
  }

  /** The text with each `${NAME}` replaced; throws naming the first undefined variable. */
  substitute(text: string): string {
    if (!text.includes("${")) return text;
    return text.replace(REFERENCE, (_, name: string) => {
      const value = this.values.get(name) ?? this.env[name];
      if (value === undefined) throw new Error(`\${${name}} is not defined (Define ${name} VALUE earlier, or set the environment variable)`);
      return value;
    });
  }
}
