import * as path from "node:path";
import {
  DONE,
  ErrorCode,
  HTTP_MOVED_PERMANENTLY,
  HTTP_MOVED_TEMPORARILY,
  ServerReturn,
  TsmodError,
  isBufferedWrite,
  isServerReturn,
  isThenable,
  type MaybePromise,
} from "../platform";
import { isBindableName } from "./bindable-names";
import { BUILTIN_NAMES, type CompiledTemplate } from "./compiled-template";
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
  /** Creates `form`; default the request's `form()`. */
  form: LazyProvider | undefined;
  /** Creates `session`; default the request's `getSession()`. */
  session: LazyProvider | undefined;
  /** Whether finished output goes to the request; otherwise it is kept for `takeOutput`. */
  writes: boolean;
}

/** `psp.include` inside `psp.include`... deeper than this is taken for a cycle. */
const MAX_INCLUDE_DEPTH = 32;

/**
 * One execution of a page: the output buffer, `form` and `session` (created at most once),
 * and the error page, all shared by the page, its `psp.include`s and its error page.
 */
export class PageRun {
  private readonly out = newEtaOutput();
  /** The page's `req`, made when first needed: most pages never name it. */
  private pageReq: PSPRequest | undefined;
  /** What the providers gave (a value or a promise), once asked for: boxed, as it may be undefined. */
  private form: { value: unknown } | undefined;
  private session: { value: unknown } | undefined;
  /** True once part of the output went to the client, after which a redirect is impossible. */
  private sent = false;
  private depth = 0;
  errorPage: string | undefined;

  constructor(
    private readonly req: PSPRequest,
    private readonly options: PageRunOptions,
  ) {}

  /**
   * Renders the page. If it throws and an error page was set, the error page is rendered
   * after the output produced so far, with the error as `exception`. A session the page used
   * is saved afterwards, as mod_python did (a redirect saves it too: login pages redirect).
   * A page that waits for nothing (compiled, no `await`, its form at hand) renders without a
   * promise; this never throws, a failure comes as a rejected promise.
   */
  execute(source: TemplateSource, vars: PSPVars): MaybePromise<void> {
    let rendering: MaybePromise<void>;
    try {
      rendering = this.renderPage(source, vars);
    } catch (err) {
      return this.recover(err, vars);
    }
    if (rendering) return rendering.then(() => this.saveSession(), (err: unknown) => this.recover(err, vars));
    return this.saveSession();
  }

  private async recover(err: unknown, vars: PSPVars): Promise<void> {
    if (isServerReturn(err)) {
      await this.saveSession();
      throw err;
    }
    const errorPage = this.errorPage;
    if (errorPage === undefined) throw err;
    this.errorPage = undefined;
    await this.renderPage({ filename: errorPage }, { ...vars, exception: err });
    await this.saveSession();
  }

  /** The output not yet handed to the sink. */
  takeOutput(): string {
    const output = this.out.res;
    this.out.res = "";
    return output;
  }

  /**
   * Hands the complete output to the sink without forcing it out: small pages keep a
   * Content-Length. No promise when the sink only buffered it.
   */
  finish(): MaybePromise<void> {
    if (!this.options.writes) return;
    const written = this.send();
    if (!isBufferedWrite(written)) return written;
  }

  /** Hands the output so far to the client (the page's `req.flush()`); no-op when rendering to a string. */
  async flush(): Promise<void> {
    if (!this.options.writes) return;
    this.sent = true;
    await this.send();
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

  /** The page's `form`: the fields, or a promise of them while a body is read. */
  formFields(): unknown {
    this.form ??= { value: this.options.form ? this.options.form(this.req) : this.req.form?.() };
    return this.form.value;
  }

  /** The page's `req`: the request, its output going into this page's. */
  get request(): PSPRequest {
    return (this.pageReq ??= pageRequest(
      this.req,
      (data) => void (this.out.res += String(data)),
      () => this.flush(),
    ));
  }

  private send(): MaybePromise<void> {
    const output = this.takeOutput();
    if (output) return this.req.write(output);
  }

  private sessionObject(): unknown {
    this.session ??= { value: this.options.session ? this.options.session(this.req) : this.req.getSession?.() };
    return this.session.value;
  }

  /**
   * Builtins the page does not name are not created (a var of the same name replaces one).
   * A compiled page that awaits nothing, with its form and session at hand, runs to its end
   * without a promise.
   */
  private renderPage(source: TemplateSource, vars: PSPVars): MaybePromise<void> {
    const { cache, root, checkChanges } = this.options;
    const request = { source, root, checkChanges };
    const template = cache.fresh(request);
    if (template) return this.renderTemplate(template, source, vars);
    return cache.get(request).then((loaded) => this.renderTemplate(loaded, source, vars));
  }

  private renderTemplate(template: CompiledTemplate, source: TemplateSource, vars: PSPVars): MaybePromise<void> {
    const uses = template.uses;
    const req = "req" in vars ? vars.req : uses.has("req") ? this.request : undefined;
    const psp = "psp" in vars ? vars.psp : uses.has("psp") ? new PSPInterface(this, pageDir(source), vars) : undefined;
    const form = "form" in vars ? vars.form : uses.has("form") ? this.formFields() : undefined;
    const session = "session" in vars ? vars.session : uses.has("session") ? this.sessionObject() : undefined;
    // Only what the providers gave is waited for; a var is passed as it is, even a promise.
    const waitForm = form !== vars.form && isThenable(form);
    const waitSession = session !== vars.session && isThenable(session);
    if (waitForm || waitSession) {
      return Promise.all([waitForm ? form : undefined, waitSession ? session : undefined]).then(([f, s]) =>
        this.call(template, req, psp, waitForm ? f : form, waitSession ? s : session, vars),
      );
    }
    return this.call(template, req, psp, form, session, vars);
  }

  private call(template: CompiledTemplate, req: unknown, psp: unknown, form: unknown, session: unknown, vars: PSPVars): MaybePromise<void> {
    try {
      const running = template.functionFor(bindableVarNames(vars))(this.out, req, psp, form, session, vars);
      if (running) {
        return running.then(undefined, (err: unknown) => {
          throw pageError(template, err);
        });
      }
    } catch (err) {
      throw pageError(template, err);
    }
  }

  /** Saves the session the page used, if it did. */
  private saveSession(): MaybePromise<void> {
    if (this.session) return this.saveUsedSession();
  }

  private async saveUsedSession(): Promise<void> {
    const session = (await this.sessionObject()) as { save?: unknown } | null | undefined;
    if (typeof session?.save === "function") await (session.save as () => unknown).call(session);
  }
}

/** What a page's failure propagates as: redirects and PSP errors as they are, the rest at the page's file and line. */
function pageError(template: CompiledTemplate, err: unknown): unknown {
  return isServerReturn(err) || err instanceof PSPError ? err : template.runtimeError(err);
}

/** The var names a page can declare as plain names: sorted, so one set of vars is one function. */
function bindableVarNames(vars: PSPVars): string[] {
  const names = Object.keys(vars);
  return names.length === 0 ? names : names.filter((name) => !BUILTIN_NAMES.includes(name) && isBindableName(name)).sort();
}

function pageDir(source: TemplateSource): string {
  return "filename" in source ? path.dirname(source.filename) : source.baseDir;
}
