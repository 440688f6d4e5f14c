/**
 * mod_include's expressions (its classic syntax, which SSI pages are written in): strings,
 * `'quoted strings'`, `$VAR` / `${VAR}` in both, `=`/`==`, `!=`, `<`, `<=`, `>`, `>=`, `/regex/`
 * on the right of `=` and `!=`, `-n` / `-z`, `!`, `&&`, `||` and parentheses. A lone string is
 * true when it is not empty.
 */
type Token = { op: string } | { str: string; quoted: boolean };

const OPS = ["&&", "||", "==", "!=", "<=", ">=", "=", "<", ">", "!", "(", ")"];

function tokenize(text: string, subst: (s: string) => string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const op = OPS.find((o) => text.startsWith(o, i));
    if (op) {
      tokens.push({ op });
      i += op.length;
      continue;
    }
    if (c === "'") {
      let j = i + 1;
      let s = "";
      while (j < text.length && text[j] !== "'") {
        if (text[j] === "\\" && text[j + 1] === "'") j++;
        s += text[j++];
      }
      if (j >= text.length) throw new Error(`unterminated quote in '${text}'`);
      tokens.push({ str: subst(s), quoted: true });
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < text.length && !/\s/.test(text[j]) && !OPS.some((o) => text.startsWith(o, j))) j++;
    const word = text.slice(i, j);
    if (word === "-n" || word === "-z") tokens.push({ op: word });
    else tokens.push({ str: word, quoted: false });
    i = j;
  }
  return tokens;
}

/** Evaluates `expr` with `subst` expanding variables; throws on a malformed expression. */
export function evaluate(expr: string, subst: (s: string) => string): boolean {
  const tokens = tokenize(expr, subst);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isOp = (t: Token | undefined, ...ops: string[]): boolean => !!t && "op" in t && ops.includes(t.op);

  /** Adjacent bare words join with a space, as mod_include's parser joins them. */
  function string(): { value: string; raw: string } {
    const t = peek();
    if (!t || !("str" in t)) throw new Error(`expected a string in '${expr}'`);
    pos++;
    let raw = t.str;
    let value = t.quoted ? t.str : subst(t.str);
    for (let n = peek(); n && "str" in n; n = peek()) {
      pos++;
      raw += " " + n.str;
      value += " " + (n.quoted ? n.str : subst(n.str));
    }
    return { value, raw: t.quoted ? "" : raw };
  }

  function primary(): boolean {
    const t = peek();
    if (isOp(t, "(")) {
      pos++;
      const v = or();
      if (!isOp(peek(), ")")) throw new Error(`missing ')' in '${expr}'`);
      pos++;
      return v;
    }
    if (isOp(t, "-n", "-z")) {
      pos++;
      const { value } = string();
      return (t as { op: string }).op === "-n" ? value !== "" : value === "";
    }
    const left = string().value;
    const op = peek();
    if (!isOp(op, "=", "==", "!=", "<", "<=", ">", ">=")) return left !== "";
    pos++;
    const right = string();
    const name = (op as { op: string }).op;
    const regex = /^\/(.*)\/$/s.exec(right.raw);
    if (regex && (name === "=" || name === "==" || name === "!=")) {
      const hit = new RegExp(regex[1]).test(left);
      return name === "!=" ? !hit : hit;
    }
    const cmp = left < right.value ? -1 : left > right.value ? 1 : 0;
    switch (name) {
      case "=":
      case "==":
        return cmp === 0;
      case "!=":
        return cmp !== 0;
      case "<":
        return cmp < 0;
      case "<=":
        return cmp <= 0;
      case ">":
        return cmp > 0;
      default:
        return cmp >= 0;
    }
  }

  function not(): boolean {
    if (isOp(peek(), "!")) {
      pos++;
      return !not();
    }
    return primary();
  }

  function and(): boolean {
    let v = not();
    while (isOp(peek(), "&&")) {
      pos++;
      const r = not();
      v = v && r;
    }
    return v;
  }

  function or(): boolean {
    let v = and();
    while (isOp(peek(), "||")) {
      pos++;
      const r = and();
      v = v || r;
    }
    return v;
  }

  if (tokens.length === 0) throw new Error("empty expression");
  const result = or();
  if (pos < tokens.length) throw new Error(`unexpected '${JSON.stringify(tokens[pos])}' in '${expr}'`);
  return result;
}
