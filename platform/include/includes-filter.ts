import * as fs from "node:fs";
import * as path from "node:path";
import { escapeHtml } from "../html";
import type { Request } from "../request";
import { compileSsiCode, type SsiFilter } from "./ssi-code";
import { evaluate } from "./ssi-expr";
import { parseElement, SsiScanner, type SsiElement, type SsiToken } from "./ssi-scanner";
import { DEFAULT_TIMEFMT, strftime } from "./strftime";

/** What the INCLUDES filter uses of the filter it runs as (platform/filters' Filter has it). */
export interface IncludesFilterStream {
  readonly req: Request;
  readonly headersSent: boolean;
  read(): Promise<Buffer | null>;
  write(data: string | Uint8Array): Promise<void>;
  passOn(): Promise<void>;
}

const DEFAULT_ERRMSG = "[an error occurred while processing this directive]";
/** Sub-requests nested deeper than this are an include loop. */
const MAX_NESTING = 10;

/**
 * mod_include's INCLUDES output filter: `<!--#element ... -->` in the streamed body is replaced
 * by its output, text between elements goes on as it arrives. Needs `Options Includes` (or
 * `IncludesNOEXEC`, which refuses `<!--#ts -->`); without it the body passes unchanged, as
 * Apache does.
 */
export async function includesFilter(filter: IncludesFilterStream): Promise<void> {
  const req = filter.req;
  const flags = req._state.plan.core.optionFlags;
  const exec = flags.get("Includes") === true;
  if (!exec && flags.get("IncludesNOEXEC") !== true) return filter.passOn();
  if (!filter.headersSent) {
    // The page is made per request: validators of the file no longer describe it.
    req.headersOut.delete("ETag");
    req.headersOut.delete("Last-Modified");
  }
  const page = new SsiPage(req, filter, exec);
  const scanner = new SsiScanner();
  for (let chunk = await filter.read(); chunk !== null; chunk = await filter.read()) {
    for (const token of scanner.push(chunk)) await page.token(token);
  }
  const rest = scanner.end();
  if (rest.length) await page.token({ text: rest });
}

interface Branch {
  /** This branch's text is output. */
  readonly active: boolean;
  /** Some branch of this if/elif chain was taken. */
  readonly taken: boolean;
  /** The enclosing text is output. */
  readonly outer: boolean;
}

/** One page being processed: its variables, `config` settings and if/elif nesting. */
class SsiPage {
  private readonly vars = new Map<string, string>();
  private timefmt = DEFAULT_TIMEFMT;
  private errmsg = DEFAULT_ERRMSG;
  private sizefmt = "abbrev";
  private readonly branches: Branch[] = [];
  /** Shared by the page's `<!--#ts -->` elements (mod_python's `req.ssi_globals`). */
  private readonly globals: Record<string, unknown> = {};
  private readonly out: SsiFilter;

  constructor(
    private readonly req: Request,
    private readonly filter: IncludesFilterStream,
    private readonly exec: boolean,
  ) {
    req.addCgiVars();
    this.out = { req, write: (data) => filter.write(data) };
  }

  private get printing(): boolean {
    return this.branches.length === 0 || this.branches[this.branches.length - 1].active;
  }

  async token(t: SsiToken): Promise<void> {
    if ("text" in t) {
      if (this.printing) await this.filter.write(t.text);
      return;
    }
    let element: SsiElement | undefined;
    try {
      element = parseElement(t.element);
      await this.element(element);
    } catch (e) {
      this.req.logError(`${this.req.filename ?? this.req.uri}: <!--#${element?.name ?? t.element.trim().split(/\s/)[0]} -->: ${(e as Error).message}`);
      if (this.printing) await this.filter.write(this.errmsg);
    }
  }

  private async element(el: SsiElement): Promise<void> {
    switch (el.name) {
      case "if":
        return this.openIf(this.condition(el));
      case "elif":
        return this.elif(el);
      case "else":
        return this.otherwise();
      case "endif":
        if (this.branches.length === 0) throw new Error("endif without if");
        this.branches.pop();
        return;
    }
    if (!this.printing) return;
    switch (el.name) {
      case "echo":
        return this.echo(el);
      case "set":
        return this.set(el);
      case "config":
        return this.config(el);
      case "include":
        return this.include(el);
      case "flastmod":
        return this.fileInfo(el, (st) => strftime(this.timefmt, st.mtime, false));
      case "fsize":
        return this.fileInfo(el, (st) => (this.sizefmt === "bytes" ? st.size.toLocaleString("en-US") : abbreviatedSize(st.size)));
      case "printenv":
        return this.filter.write(escapeHtml([...this.allVars()].map(([k, v]) => `${k}=${v}`).join("\n") + "\n"));
      case "ts":
        return this.code(el);
      default:
        throw new Error(`unknown element '${el.name}'`);
    }
  }

  // ---- conditions -----------------------------------------------------------------------

  private condition(el: SsiElement): boolean {
    const expr = el.attrs.find(([k]) => k === "expr");
    if (!expr) throw new Error(`${el.name} needs expr="..."`);
    return evaluate(expr[1], (s) => this.subst(s));
  }

  private openIf(value: boolean): void {
    const outer = this.printing;
    this.branches.push({ outer, active: outer && value, taken: value });
  }

  private elif(el: SsiElement): void {
    const top = this.branches.pop();
    if (!top) throw new Error("elif without if");
    // An elif under a hidden branch, or after a taken one, is not evaluated.
    const value = !top.taken && top.outer && this.condition(el);
    this.branches.push({ outer: top.outer, active: value, taken: top.taken || value });
  }

  private otherwise(): void {
    const top = this.branches.pop();
    if (!top) throw new Error("else without if");
    this.branches.push({ outer: top.outer, active: top.outer && !top.taken, taken: true });
  }

  // ---- variables ------------------------------------------------------------------------

  /** mod_include's variables: `set` ones, then the page's own, then the request's environment. */
  private lookup(name: string): string | undefined {
    const set = this.vars.get(name);
    if (set !== undefined) return set;
    const req = this.req;
    const now = new Date();
    switch (name) {
      case "DOCUMENT_URI":
        return req.uri;
      case "DOCUMENT_NAME":
        return path.basename(req.filename ?? req.uri);
      case "DOCUMENT_PATH_INFO":
        return req.pathInfo;
      case "DATE_LOCAL":
        return strftime(this.timefmt, now, false);
      case "DATE_GMT":
        return strftime(this.timefmt, now, true);
      case "LAST_MODIFIED":
        return req.filename ? strftime(this.timefmt, statOrNull(req.filename)?.mtime ?? now, false) : undefined;
      case "QUERY_STRING_UNESCAPED":
        return req.args === null ? undefined : safeDecode(req.args);
      case "USER_NAME":
        return req.user ?? undefined;
    }
    return req.subprocessEnv.get(name) ?? undefined;
  }

  private *allVars(): Iterable<[string, string]> {
    for (const [k, v] of this.req.subprocessEnv) yield [k, v];
    for (const name of ["DOCUMENT_URI", "DOCUMENT_NAME", "DATE_LOCAL", "DATE_GMT", "LAST_MODIFIED"]) {
      const v = this.lookup(name);
      if (v !== undefined) yield [name, v];
    }
    yield* this.vars;
  }

  /** `$NAME`, `${NAME}` (unset: empty), `\$` for a dollar. */
  private subst(text: string): string {
    return text.replace(/\\\$|\$\{([^}]+)\}|\$([A-Za-z_]\w*)/g, (all, braced: string | undefined, bare: string | undefined) => {
      if (all === "\\$") return "$";
      return this.lookup((braced ?? bare)!) ?? "";
    });
  }

  private echo(el: SsiElement): Promise<void> | void {
    let encoding = "entity";
    const out: string[] = [];
    for (const [k, v] of el.attrs) {
      if (k === "encoding") encoding = v.toLowerCase();
      else if (k === "var") {
        const value = this.lookup(this.subst(v));
        if (value === undefined) out.push("(none)");
        else out.push(encoding === "none" ? value : encoding === "url" ? encodeURIComponent(value) : escapeHtml(value));
      } else throw new Error(`echo takes var= and encoding=, not ${k}=`);
    }
    if (out.length) return this.filter.write(out.join(""));
  }

  private set(el: SsiElement): void {
    let name: string | null = null;
    for (const [k, v] of el.attrs) {
      if (k === "var") name = this.subst(v);
      else if (k === "value") {
        if (name === null) throw new Error("set: value= must follow var=");
        this.vars.set(name, this.subst(v));
      } else if (k !== "decoding") throw new Error(`set takes var= and value=, not ${k}=`);
    }
  }

  private config(el: SsiElement): void {
    for (const [k, v] of el.attrs) {
      if (k === "timefmt") this.timefmt = v;
      else if (k === "errmsg") this.errmsg = v;
      else if (k === "sizefmt") {
        if (v !== "bytes" && v !== "abbrev") throw new Error(`sizefmt is bytes or abbrev, not '${v}'`);
        this.sizefmt = v;
      } else if (k !== "echomsg") throw new Error(`config takes timefmt=, errmsg= and sizefmt=, not ${k}=`);
    }
  }

  // ---- files and sub-requests -----------------------------------------------------------

  /** `file=` is relative to the page's own folder and may not leave it (Apache's rule). */
  private fileUri(value: string): string {
    if (path.isAbsolute(value) || value.split(/[\\/]/).includes("..")) throw new Error(`file='${value}' must be a relative path without '..'`);
    return path.posix.join(path.posix.dirname(this.req.uri), value);
  }

  private virtualUri(value: string): string {
    return value.startsWith("/") ? value : path.posix.join(path.posix.dirname(this.req.uri), value);
  }

  private async include(el: SsiElement): Promise<void> {
    for (const [k, v] of el.attrs) {
      if (k !== "virtual" && k !== "file") throw new Error(`include takes virtual= or file=, not ${k}=`);
      let depth = 0;
      for (let r: Request | null = this.req; r; r = r.mainRequest) depth++;
      if (depth > MAX_NESTING) throw new Error(`includes nested more than ${MAX_NESTING} deep (an include loop?)`);
      const value = this.subst(v);
      const uri = k === "file" ? this.fileUri(value) : this.virtualUri(value);
      const status = await this.req._state.runtime.subRequest(this.req, uri, (body) => this.filter.write(body));
      if (status < 200 || status >= 300) throw new Error(`including ${uri} answered ${status}`);
    }
  }

  /** `flastmod`/`fsize`: a file= beside the page, or a virtual= path under DocumentRoot. */
  private async fileInfo(el: SsiElement, show: (st: fs.Stats) => string): Promise<void> {
    for (const [k, v] of el.attrs) {
      const value = this.subst(v);
      let file: string;
      if (k === "file") {
        this.fileUri(value);
        file = path.join(path.dirname(this.req.filename ?? path.join(this.req.documentRoot(), this.req.uri)), value);
      } else if (k === "virtual") file = path.join(this.req.documentRoot(), path.posix.normalize("/" + this.virtualUri(value)));
      else throw new Error(`${el.name} takes file= or virtual=, not ${k}=`);
      const st = await fs.promises.stat(file);
      await this.filter.write(show(st));
    }
  }

  // ---- <!--#ts --> ----------------------------------------------------------------------

  private async code(el: SsiElement): Promise<void> {
    if (!this.exec) throw new Error("<!--#ts --> needs Options Includes (IncludesNOEXEC refuses code)");
    const file = this.req.filename ?? this.req.uri;
    for (const [k, v] of el.attrs) {
      if (k !== "code" && k !== "eval") throw new Error(`ts takes code= or eval=, not ${k}=`);
      const fn = compileSsiCode(v, k === "eval", file);
      const value = await fn(this.req, this.out, this.globals);
      if (k === "eval" && value !== undefined && value !== null) await this.filter.write(String(value));
    }
  }
}

function statOrNull(file: string): fs.Stats | null {
  try {
    return fs.statSync(file);
  } catch {
    return null;
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text;
  }
}

/** APR's apr_strfsize, which mod_include's `sizefmt abbrev` prints with: `  5 `, `1.2K`, ` 12M`. */
function abbreviatedSize(size: number): string {
  if (size < 973) return `${String(size).padStart(3, " ")} `;
  const units = "KMGTPE";
  let n = size;
  for (let i = 0; i < units.length; i++) {
    const remain = n % 1024;
    n = Math.floor(n / 1024);
    if (n >= 973) continue;
    if (n < 9 || (n === 9 && remain < 973)) {
      const tenths = Math.round((remain * 5 + 256) / 512) >= 10 ? ((n++, 0)) : Math.round((remain * 5 + 256) / 512);
      return `${n}.${tenths}${units[i]}`;
    }
    if (remain >= 512) n++;
    return `${String(n).padStart(3, " ")}${units[i]}`;
  }
  return `${n}E`;
}
