/**
 * mod_python's `util.parse_header`: `text/html; charset="utf-8"` → `["text/html", { charset:
 * "utf-8" }]`. Parameter names are lower-cased; quoted values lose their quotes and `\` escapes;
 * a `;` inside quotes does not split.
 */
export function parseHeader(value: string): [string, Record<string, string>] {
  const parts: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '"') quoted = !quoted;
    if (c === "\\" && quoted && i + 1 < value.length) {
      cur += c + value[++i];
      continue;
    }
    if (c === ";" && !quoted) {
      parts.push(cur);
      cur = "";
    } else cur += c;
  }
  parts.push(cur);
  const params: Record<string, string> = {};
  for (const p of parts.slice(1)) {
    const eq = p.indexOf("=");
    if (eq < 0) continue;
    const name = p.slice(0, eq).trim().toLowerCase();
    let v = p.slice(eq + 1).trim();
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1).replace(/\\(.)/g, "$1");
    if (name) params[name] = v;
  }
  return [parts[0].trim(), params];
}
