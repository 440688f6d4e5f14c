import * as path from "node:path";
import { ErrorCode, TsmodError, andThen, type MaybePromise } from "../platform";
import { PageRun, type PSPVars } from "./page-run";
import type { LazyProvider, PSPRequest } from "./psp-request";
import { PSPCache, defaultPSPCache } from "./template-cache";
import { STRING_TEMPLATE_LABEL, type TemplateSource } from "./template-loader";

/** The type a page gets unless it (or a handler before it) chose another. */
export const PSP_CONTENT_TYPE = "text/html; charset=utf-8";

/**
 * A page file (relative names start at the folder of `req.filename`), given as a name (as
 * mod_python's `PSP(req, filename)`) or as `{ filename }`, or the page text itself.
 */
export type PSPSource = string | { filename: string; string?: never } | { string: string; filename?: never };

export interface PSPOptions {
  /** Folder that includes, error pages and `psp.include` may not leave. Default: the page's folder. */
  root?: string;
  /** Compare the page and its includes with their files (TsAutoReload). Default true. */
  checkChanges?: boolean;
  /** Creates `form` for pages that use it. Default: `req.form()`. */
  form?: LazyProvider;
  /** Creates `session` for pages that use it. Default: `req.getSession()`. */
  session?: LazyProvider;
  cache?: PSPCache;
}

/**
 * A PSP page bound to a request: `await new PSP(req, "page.psp", { title }).run()`.
 * Usable from any handler or publisher function; `render()` returns the output instead.
 */
export class PSP {
  private readonly source: TemplateSource;
  private readonly root: string;

  constructor(
    private readonly req: PSPRequest,
    given: PSPSource = req.filename,
    private readonly vars: PSPVars = {},
    private readonly options: PSPOptions = {},
  ) {
    const requestDir = path.dirname(req.filename);
    const source = typeof given === "string" ? { filename: given } : given;
    if (typeof source !== "object" || source === null || (typeof source.filename !== "string") === (typeof source.string !== "string")) {
      throw new TsmodError(ErrorCode.PSP_ARGUMENTS, "PSP takes a file name, { filename } or { string } (one of them)");
    }
    this.source =
      source.string !== undefined
        ? { string: source.string, baseDir: requestDir }
        : { filename: path.isAbsolute(source.filename) ? source.filename : path.resolve(requestDir, source.filename) };
    this.root = options.root ?? ("filename" in this.source ? path.dirname(this.source.filename) : requestDir);
  }

  /** Renders the page and writes it to the request (text/html unless the type is already set). */
  async run(vars: PSPVars = {}): Promise<void> {
    await this.start({ ...this.vars, ...vars });
  }

  /**
   * @internal `run()` with the vars given to the constructor, and without a promise when the page
   * renders at once and its output only buffers: the built-in handler's path.
   */
  start(vars: PSPVars = this.vars): MaybePromise<void> {
    this.req.contentType ??= PSP_CONTENT_TYPE;
    const run = this.newRun(true);
    return andThen(run.execute(this.source, vars), () => run.finish());
  }

  /** mod_python's name for `run`. */
  display(vars: PSPVars = {}): Promise<void> {
    return this.run(vars);
  }

  /** Renders the page to a string; nothing is written to the request. */
  async render(vars: PSPVars = {}): Promise<string> {
    const run = this.newRun(false);
    await run.execute(this.source, { ...this.vars, ...vars });
    return run.takeOutput();
  }

  /** Rendering is asynchronous, so the string form only names the page: use `await render()`. */
  toString(): string {
    return `[PSP ${"filename" in this.source ? this.source.filename : STRING_TEMPLATE_LABEL}]`;
  }

  private newRun(writes: boolean): PageRun {
    const { options } = this;
    return new PageRun(this.req, {
      cache: options.cache ?? defaultPSPCache,
      root: this.root,
      checkChanges: options.checkChanges ?? true,
      form: options.form,
      session: options.session,
      writes,
    });
  }
}
