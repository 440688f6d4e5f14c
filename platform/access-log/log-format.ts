import type { Request } from "../request";
import { escapeLogItem } from "../log";

/** What one access-log line is built from. */
export interface LogRecord {
  /** The request as the client sent it. */
  readonly first: Request;
  /** The last request of its internal-redirect chain (ErrorDocument, DirectoryIndex, ...). */
  readonly last: Request;
  /** When the response was complete (ms since the epoch). */
  readonly end: number;
}

export type LogLineFormatter = (record: LogRecord) => string;

/** The nicknames Apache's stock httpd.conf defines; `""` is the CLF default of `TransferLog`. */
export const PREDEFINED_LOG_FORMATS: ReadonlyMap<string, string> = new Map([
  ["", '%h %l %u %t "%r" %>s %b'],
  ["common", '%h %l %u %t "%r" %>s %b'],
  ["combined", '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"'],
  ["vhost_combined", '%v:%p %h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"'],
  ["referer", "%{Referer}i -> %U"],
  ["agent", "%{User-agent}i"],
]);

type Item = (r: LogRecord, req: Request) => string | null;

/** Directives whose default is the original request (Apache 2.4); the rest use the final one. */
const ORIGINAL_BY_DEFAULT = new Set(["s", "U", "T", "D", "r"]);

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

const ITEMS: Record<string, (param: string | null) => Item> = {
  a: () => (_, q) => q.connection.remoteIp,
  A: () => (_, q) => q.connection.localIp,
  B: () => (_, q) => String(q._state.output.bytesSent),
  b: () => (_, q) => (q._state.output.bytesSent ? String(q._state.output.bytesSent) : null),
  C: (p) => (_, q) => cookie(q.headersIn.get("cookie"), requireParam("C", p)),
  D: () => (r, q) => String(Math.max(0, Math.round((r.end / 1000 - q.requestTime) * 1e6))),
  e: (p) => (_, q) => q.subprocessEnv.get(requireParam("e", p)) ?? null,
  f: () => (_, q) => q.filename,
  h: () => (_, q) => q.connection.remoteIp,
  H: () => (_, q) => q.protocol,
  i: (p) => {
    const name = requireParam("i", p);
    return (_, q) => joined(q.headersIn.getAll(name));
  },
  k: () => () => "0",
  l: () => () => null,
  L: () => () => null,
  m: () => (_, q) => q.method,
  n: (p) => (_, q) => q.notes.get(requireParam("n", p)) ?? null,
  o: (p) => {
    const name = requireParam("o", p);
    return (_, q) => q._state.output.sentHeader(name) ?? null;
  },
  p: (p) => {
    const which = (p ?? "canonical").toLowerCase();
    if (which === "remote") return (_, q) => String(q.connection.remotePort);
    if (which === "local") return (_, q) => String(q.connection.localPort);
    if (which !== "canonical") throw new Error(`unknown %{${p}}p form (canonical, local or remote)`);
    return (_, q) => String(q.port);
  },
  P: (p) => {
    if (p && p !== "pid" && p !== "tid" && p !== "hextid") throw new Error(`unknown %{${p}}P form (pid, tid or hextid)`);
    return () => (p === "tid" || p === "hextid" ? "0" : String(process.pid));
  },
  q: () => (_, q) => (q.args !== null ? `?${q.args}` : ""),
  r: () => (_, q) => q.theRequest,
  R: () => (_, q) => q.handler,
  s: () => (_, q) => String(q.status),
  t: (p) => timeItem(p),
  T: (p) => {
    const unit = (p ?? "s").toLowerCase();
    const scale = unit === "ms" ? 1e3 : unit === "us" ? 1e6 : unit === "s" ? 1 : NaN;
    if (Number.isNaN(scale)) throw new Error(`unknown %{${p}}T unit (ms, us or s)`);
    return (r, q) => String(Math.max(0, Math.floor((r.end / 1000 - q.requestTime) * scale)));
  },
  u: () => (_, q) => (q.user === null ? null : q.user === "" ? '""' : q.user),
  U: () => (_, q) => q.uri,
  v: () => (_, q) => q.server.serverHostname,
  V: () => (_, q) => q.hostname,
  X: () => (_, q) => {
    if (q.connection.aborted) return "X";
    return (q.rawResponse as { shouldKeepAlive?: boolean }).shouldKeepAlive ? "+" : "-";
  },
};

/**
 * Compiles an Apache `LogFormat` string (mod_log_config's tokens, with the `<`/`>` and
 * status-list modifiers) into a function producing one line. Throws on unknown tokens, so
 * a bad format is a configuration error, not a surprise in the log.
 */
export function compileLogFormat(format: string): LogLineFormatter {
  const parts: Array<string | Item> = [];
  const token = /%([!<>,0-9]*)(?:\{([^}]*)\})?([a-zA-Z%])|\\([nt\\"])/g;
  let last = 0;
  for (let m = token.exec(format); m; m = token.exec(format)) {
    if (m.index > last) parts.push(format.slice(last, m.index));
    last = token.lastIndex;
    if (m[4] !== undefined) {
      parts.push(m[4] === "n" ? "\n" : m[4] === "t" ? "\t" : m[4]);
      continue;
    }
    const [whole, modifiers, param, letter] = m;
    if (letter === "%") {
      parts.push("%");
      continue;
    }
    const factory = ITEMS[letter];
    if (!factory) throw new Error(`unknown log format token '${whole}'`);
    parts.push(withModifiers(factory(param ?? null), letter, modifiers));
  }
  if (last < format.length) parts.push(format.slice(last));
  const dangling = parts.find((p) => typeof p === "string" && /%/.test(p.replace(/%%/g, "")));
  if (dangling !== undefined) throw new Error(`incomplete log format token in '${format}'`);
  return (record) => {
    let line = "";
    for (const p of parts) line += typeof p === "string" ? p : itemText(p(record, record.last));
    return line;
  };
}

function itemText(value: string | null): string {
  return value === null || value === "" ? "-" : escapeLogItem(value);
}

function withModifiers(item: Item, letter: string, modifiers: string): Item {
  const negate = modifiers.includes("!");
  const statuses = modifiers.split(/[^0-9]+/).filter(Boolean).map(Number);
  const original = modifiers.includes("<") || (!modifiers.includes(">") && ORIGINAL_BY_DEFAULT.has(letter));
  return (r) => {
    if (statuses.length && statuses.includes(r.last.status) === negate) return null;
    return item(r, original ? r.first : r.last);
  };
}

function requireParam(letter: string, p: string | null): string {
  if (!p) throw new Error(`%${letter} needs a name: %{NAME}${letter}`);
  return p;
}

function joined(values: string[]): string | null {
  return values.length ? values.join(", ") : null;
}

function cookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const pair of header.split(";")) {
    const eq = pair.indexOf("=");
    if (eq > 0 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return null;
}

/** `%t` and `%{format}t`: request start by default, `end:` for the response's end. */
function timeItem(param: string | null): Item {
  let spec = param ?? "";
  let atEnd = false;
  if (spec.startsWith("begin:")) spec = spec.slice(6);
  else if (spec.startsWith("end:")) {
    spec = spec.slice(4);
    atEnd = true;
  }
  const when = (r: LogRecord, q: Request) => (atEnd ? r.end : q.requestTime * 1000);
  switch (spec) {
    case "":
      return (r, q) => `[${strftime("%d/%b/%Y:%H:%M:%S %z", new Date(when(r, q)))}]`;
    case "sec":
      return (r, q) => String(Math.floor(when(r, q) / 1000));
    case "msec":
      return (r, q) => String(Math.floor(when(r, q)));
    case "usec":
      return (r, q) => String(Math.floor(when(r, q) * 1000));
    case "msec_frac":
      return (r, q) => String(Math.floor(when(r, q)) % 1000).padStart(3, "0");
    case "usec_frac":
      return (r, q) => String(Math.floor(when(r, q) * 1000) % 1e6).padStart(6, "0");
    default:
      return (r, q) => strftime(spec, new Date(when(r, q)));
  }
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** The strftime conversions log formats use, in local time as Apache writes them. */
function strftime(format: string, d: Date): string {
  return format.replace(/%([a-zA-Z%])/g, (whole, c: string) => {
    switch (c) {
      case "Y":
        return String(d.getFullYear());
      case "y":
        return pad(d.getFullYear() % 100);
      case "m":
        return pad(d.getMonth() + 1);
      case "d":
        return pad(d.getDate());
      case "e":
        return String(d.getDate()).padStart(2, " ");
      case "H":
        return pad(d.getHours());
      case "M":
        return pad(d.getMinutes());
      case "S":
        return pad(d.getSeconds());
      case "j":
        return pad(Math.floor((d.getTime() - new Date(d.getFullYear(), 0, 1).getTime()) / 864e5) + 1, 3);
      case "b":
      case "h":
        return MONTHS[d.getMonth()];
      case "a":
        return DAYS[d.getDay()];
      case "s":
        return String(Math.floor(d.getTime() / 1000));
      case "T":
        return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
      case "F":
        return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
      case "z": {
        const off = -d.getTimezoneOffset();
        const abs = Math.abs(off);
        return `${off < 0 ? "-" : "+"}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
      }
      case "%":
        return "%";
      default:
        return whole;
    }
  });
}
