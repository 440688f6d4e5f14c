import * as path from "node:path";
import {
  DONE,
  ErrorCode,
  HTTP_MOVED_PERMANENTLY,
  HTTP_MOVED_TEMPORARILY,
  ServerReturn,
  TsmodError,
  isServerReturn,
} from "../platform";
import { isBindableName } from "./bindable-names";
import { BUILTIN_NAMES } from "./compiled-template";
import { newEtaOutput } from "./eta-engine";
import { pageRequest } from "./page-request";
import { resolvePagePath } from "./page-paths";
import { PSPError } from "./psp-error";
import { PSPInterface } from "./psp-interface";
import type { LazyProvider, PSPRequest } from "./psp-request";
import type { PSPCache } from "./template-cache";
import type { TemplateSource } from "./template-loader";

export type PSPVars = Record<string, unknown>;

export interface PageRunOptions {
  cache: PSPCache;
  root: string;
  checkChanges: boolean;
  form: LazyProvider | undefined;
  session: LazyProvider | undefined;
  /** Takes finished output; absent when rendering to a string. */
  sink: ((chunk: string) => Promise<void>) | undefined;
}

/** `psp.include` inside `psp.include`... deeper than this is taken for a cycle. */
const MAX_INCLUDE_DEPTH = 32;

/**
 * One execution of a page: the output buffer, `form` and `session` (created at most once),
 * and the error page, all shared by the page, its `psp.include`s and its error page.
 */
export class PageRun {
  private readonly out = newEtaOutput();
  private readonly pageReq: PSPRequest;
  private readonly form: LazyProvider;
  private readonly session: LazyProvider;
  private sessionUsed = false;
  /** True once part of the output went to the client, after which a redirect is impossible. */
  private sent = false;
  private depth = 0;
  errorPage: string | undefined;

  constructor(
    private readonly req: PSPRequest,
    private readonly options: PageRunOptions,
  ) {
    this.pageReq = pageRequest(req, (data) => void (this.out.res += String(data)), () => this.flush());
    this.form = once(options.form);
    const session = once(options.session);
    this.session = () => {
      this.sessionUsed = true;
      return session();
    };
  }

  /**
   * Renders the page. If it throws and an error page was set, the error page is rendered
   * after the output produced so far, with the error as `exception`. A session the page used
   * is saved afterwards, as mod_python did (a redirect saves it too: login pages redirect).
   */
  async execute(source: TemplateSource, vars: PSPVars): Promise<void> {
    try {
      await this.renderPage(source, vars);
    } catch (err) {
      if (isServerReturn(err)) {
        await this.saveSession();
        throw err;
      }
      const errorPage = this.errorPage;
      if (errorPage === undefined) throw err;
      this.errorPage = undefined;
      await this.renderPage({ filename: errorPage }, { ...vars, exception: err });
    }
    await this.saveSession();
  }

  /** The output not yet handed to the sink. */
  takeOutput(): string {
    const output = this.out.res;
    this.out.res = "";
    return output;
  }

  /** Hands the complete output to the sink without forcing it out: small pages keep a Content-Length. */
  async finish(): Promise<void> {
    if (this.options.sink) await this.options.sink(this.takeOutput());
  }

  /** Hands the output so far to the client (the page's `req.flush()`); no-op when rendering to a string. */
  async flush(): Promise<void> {
    if (!this.options.sink) return;
    this.sent = true;
    await this.options.sink(this.takeOutput());
    await this.req.flush?.();
  }

  /** Resolves a page reference from a page in `dir`, refusing anything outside the root. */
  resolve(dir: string, ref: string): string {
    const target = resolvePagePath(this.options.root, dir, ref);
    if (target === undefined) {
      throw new TsmodError(ErrorCode.PSP_INCLUDE, `"${ref}" is outside the page root ${this.options.root}`);
    }
    return target;
  }

  async include(dir: string, ref: string, vars: PSPVars): Promise<void> {
    if (this.depth >= MAX_INCLUDE_DEPTH) {
      throw new TsmodError(ErrorCode.PSP_INCLUDE, `psp.include nested more than ${MAX_INCLUDE_DEPTH} deep (a cycle?)`);
    }
    this.depth++;
    try {
      await this.renderPage({ filename: this.resolve(dir, ref) }, vars);
    } finally {
      this.depth--;
    }
  }

  redirect(location: string, permanent: boolean): never {
    if (this.sent) throw new TsmodError(ErrorCode.HEADERS_SENT, "psp.redirect after output was flushed to the client");
    this.out.res = "";
    this.req.headersOut.set("Location", location);
    this.req.status = permanent ? HTTP_MOVED_PERMANENTLY : HTTP_MOVED_TEMPORARILY;
    throw new ServerReturn(DONE);
  }

  formFields(): Promise<unknown> {
    return this.form();
  }

  get request(): PSPRequest {
    return this.pageReq;
  }

  private async renderPage(source: TemplateSource, vars: PSPVars): Promise<void> {
    const { cache, root, checkChanges } = this.options;
    const template = await cache.get({ source, root, checkChanges });
    const varNames = Object.keys(vars)
      .filter((name) => !BUILTIN_NAMES.includes(name) && isBindableName(name))
      .sort();
    const scope: PSPVars = {
      req: this.pageReq,
      psp: new PSPInterface(this, pageDir(source), vars),
      form: template.uses.has("form") && !("form" in vars) ? await this.form() : undefined,
      session: template.uses.has("session") && !("session" in vars) ? await this.session() : undefined,
      ...vars,
    };
    try {
      await template.functionFor(varNames)(scope, this.out);
    } catch (err) {
      throw isServerReturn(err) || err instanceof PSPError ? err : template.runtimeError(err);
    }
  }

  private async saveSession(): Promise<void> {
    if (!this.sessionUsed) return;
    const session = (await this.session()) as { save?: unknown } | null | undefined;
    if (typeof session?.save === "function") await (session.save as () => unknown).call(session);
  }
}

function pageDir(source: TemplateSource): string {
  return "filename" in source ? path.dirname(source.filename) : source.baseDir;
}

function once(provider: LazyProvider | undefined): LazyProvider {
  let value: Promise<unknown> | undefined;
  return () => (value ??= provider ? provider() : Promise.resolve(undefined));
}
