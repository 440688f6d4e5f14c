import { RE2JS } from "re2js";

/**
 * Largest compiled program a configuration regex may have. RE2 matches in time linear in
 * the input, times the program size; counted repetitions (`.{500}`) make large programs. At
 * this bound the worst match of an 8 KB request line takes about a tenth of a second (Apache
 * bounds PCRE's backtracking with a match limit for the same reason); a list of a hundred
 * alternative words stays well below it.
 */
const MAX_PROGRAM_SIZE = 1000;

/** What RE2 refuses that PCRE users write, named as they know it. */
const UNSUPPORTED: Array<[RegExp, string]> = [
  [/^\\[1-9]|^\\[kg]/, "backreferences inside a pattern (\\1, \\k<name>) are not supported"],
  [/^\(\?[=!]/, "lookahead (?= ... ) / (?! ... ) is not supported"],
  [/^\(\?<[=!]/, "lookbehind (?<= ... ) / (?<! ... ) is not supported"],
  [/^\(\?>/, "atomic groups (?> ... ) are not supported"],
  [/^(?:[*+?]|\{[\d,]*\})\+$/, "possessive quantifiers (*+, ++, ?+) are not supported"],
  [/^\(\?(?:R|\d)/, "recursion (?R) is not supported"],
];

/**
 * A regular expression from the configuration (`<LocationMatch>`, `AliasMatch`, `Header edit`,
 * wildcards, ...), matched against request data by RE2 (re2js): linear time whatever the
 * pattern and the input, so no URL or header can make a match backtrack for seconds.
 * Compiled once, when the configuration loads.
 */
export class ConfigRegex {
  private constructor(
    readonly source: string,
    private readonly re: RE2JS,
  ) {}

  /**
   * Compiles `source` (RE2 syntax, which is PCRE's without backreferences and lookaround).
   * Throws an Error `OWNER: invalid regular expression 'SOURCE': REASON` naming the construct
   * RE2 cannot take.
   */
  static compile(owner: string, source: string, options: { ignoreCase?: boolean; maxProgramSize?: number } = {}): ConfigRegex {
    let re: RE2JS;
    try {
      re = RE2JS.compile(source, options.ignoreCase ? RE2JS.CASE_INSENSITIVE : 0);
    } catch (e) {
      throw new Error(`${owner}: invalid regular expression '${source}': ${reasonOf((e as Error).message)}`);
    }
    const size = re.programSize();
    const max = options.maxProgramSize ?? MAX_PROGRAM_SIZE;
    if (size > max) {
      throw new Error(`${owner}: regular expression '${source}' is too large (program size ${size}, at most ${max}); use smaller repetition counts`);
    }
    return new ConfigRegex(source, re);
  }

  /** Whether the pattern matches anywhere in `input`. */
  test(input: string): boolean {
    return this.re.test(input);
  }

  /** The first match and its groups (unmatched groups undefined), or null. */
  exec(input: string): RegExpExecArray | null {
    return this.re.exec(input) as RegExpExecArray | null;
  }

  /** `String#replace` semantics (`$&`, `$1`, `$<name>`, `$$`), first match or every match. */
  replace(input: string, replacement: string, all: boolean): string {
    const m = this.re.matcher(input);
    return all ? m.replaceAll(replacement) : m.replaceFirst(replacement);
  }
}

function reasonOf(message: string): string {
  const reason = message.replace(/^error parsing regexp: /, "");
  const construct = /`([^`]*)`/.exec(reason)?.[1] ?? "";
  for (const [re, text] of UNSUPPORTED) if (re.test(construct)) return `${text} (tsmod matches with RE2, in linear time)`;
  return reason;
}
